import AsyncCore
import Glibc
import TestSupport

/// A connected loopback TCP pair, for what Unix-domain pairs cannot do
/// (urgent data, resets). Both ends are non-blocking and close-on-exec.
func tcpPair(family: SocketFamily = .ipv4) throws -> (Socket, Socket) {
    let listener = try Socket.make(family: family)
    defer { listener.close() }
    try listener.bind(to: family == .ipv6 ? .ipv6(host: "::1", port: 0) : .ipv4(host: "127.0.0.1", port: 0))
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
                if direct < 0 { throw SystemError(.write, errno: Errno(rawValue: errno)) }
                offset += direct
                continue
            }
            throw SystemError(.send, errno: Errno(rawValue: errno))
        }
        offset += written
    }
}

/// Sends one byte of TCP urgent data (`MSG_OOB`).
func sendUrgent(_ socket: Socket, _ byte: UInt8) throws {
    var byte = byte
    if Glibc.send(socket.descriptor, &byte, 1, Int32(MSG_OOB) | Int32(MSG_NOSIGNAL)) != 1 {
        throw SystemError(.send, errno: Errno(rawValue: errno))
    }
}

/// A close-on-exec pipe: (read end, write end).
func makePipe() throws -> (Int32, Int32) {
    let (readEnd, writeEnd) = try FileDescriptor.pipe()
    return (readEnd.rawValue, writeEnd.rawValue)
}
