import AsyncCore
import Glibc
import TestSupport

/// A connected loopback TCP pair, for what Unix-domain pairs cannot do
/// (urgent data, resets). Both ends are non-blocking and close-on-exec.
func tcpPair(family: Int32 = AF_INET) throws -> (Socket, Socket) {
    let listener = try Socket.make(family: family)
    defer { listener.close() }
    try listener.bind(to: family == AF_INET6 ? .ipv6(host: "::1", port: 0) : .ipv4(host: "127.0.0.1", port: 0))
    try listener.listen(backlog: 1)
    let client = try PeerSocket.connect(to: try listener.localAddress())
    _ = try Deadline(.seconds(10)).awaitEvents(Int16(POLLIN), on: listener.descriptor)
    guard let (server, _) = try listener.accept() else {
        client.close()
        throw PeerError.timedOut("accept a loopback connection")
    }
    return (server, client.socket)
}

/// Writes all of `bytes` to a descriptor the test owns (a pipe or socket end).
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { raw in
            Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        }
        if written < 0 {
            if errno == EINTR { continue }
            if errno == ENOTSOCK {
                let direct = bytes.withUnsafeBytes { raw in Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset) }
                if direct < 0 { throw SystemError(.write, errno: errno) }
                offset += direct
                continue
            }
            throw SystemError(.send, errno: errno)
        }
        offset += written
    }
}

/// Sends one byte of TCP urgent data (`MSG_OOB`).
func sendUrgent(_ socket: Socket, _ byte: UInt8) throws {
    var byte = byte
    if Glibc.send(socket.descriptor, &byte, 1, Int32(MSG_OOB) | Int32(MSG_NOSIGNAL)) != 1 {
        throw SystemError(.send, errno: errno)
    }
}

/// A close-on-exec pipe: (read end, write end). Glibc does not export `pipe2`
/// to Swift, hence the separate `fcntl`.
func makePipe() throws -> (Int32, Int32) {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else { throw SystemError(.pipe, errno: errno) }
    for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    return (descriptors[0], descriptors[1])
}
