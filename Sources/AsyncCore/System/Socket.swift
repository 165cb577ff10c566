import CSystem
import Glibc

/// A non-blocking socket descriptor and the calls made on it.
///
/// `Socket` is a thin value: copying it copies the descriptor number, not the
/// socket. Whoever holds it closes it once, usually by adopting it into a
/// ``Dispatcher``:
/// ```swift
/// let (a, b) = try Socket.pair()
/// let left = Echo(socket: a, loop: loop)    // the dispatchers own the sockets now
/// let right = Peer(socket: b, loop: loop)
/// ```
/// Every method retries `EINTR`; the ones that can block answer nil instead.
public struct Socket: Sendable, Hashable, CustomStringConvertible {
    /// The file descriptor.
    public let descriptor: Int32

    /// Wraps a descriptor the caller owns; the caller makes it non-blocking
    /// (``Dispatcher/init(socket:loop:)`` does).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The longest backlog of pending connections the system allows (`SOMAXCONN`).
    public static let maximumBacklog = SOMAXCONN

    /// A new non-blocking, close-on-exec socket. The corresponding C function is `socket`.
    ///
    /// ```swift
    /// let socket = try Socket.make(family: .ipv6)   // a TCP socket for IPv6
    /// ```
    public static func make(family: SocketFamily = .ipv4, type: SocketType = .stream) throws(SystemError) -> Socket {
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        return Socket(descriptor: try Syscall.retrying(.socket) { Glibc.socket(family.rawValue, type.rawValue | flags, 0) })
    }

    /// A connected pair of non-blocking Unix-domain stream sockets. The
    /// corresponding C function is `socketpair`.
    public static func pair() throws(SystemError) -> (Socket, Socket) {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        _ = try Syscall.retrying(.socketpair) { socketpair(AF_UNIX, type, 0, &fds) }
        return (Socket(descriptor: fds[0]), Socket(descriptor: fds[1]))
    }

    public var description: String { "socket \(descriptor)" }

    /// Binds the socket to `address`. The corresponding C function is `bind`.
    /// - Throws: ``SystemError`` with call `.bind`, naming the path of a Unix-domain address.
    public func bind(to address: SocketAddress) throws(SystemError) {
        _ = try Syscall.retrying(.bind, path: address.unixPath) { address.withSockAddr { Glibc.bind(descriptor, $0, $1) } }
    }

    /// Starts listening for connections. The corresponding C function is `listen`.
    public func listen(backlog: Int32) throws(SystemError) {
        _ = try Syscall.retrying(.listen) { Glibc.listen(descriptor, backlog) }
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket;
    /// nil when none is pending. The corresponding C function is `accept4`.
    public func accept() throws(SystemError) -> (Socket, SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemError) in
                try Syscall.nonBlocking(.accept) { accept4(descriptor, address, &length, flags) }
            }
        }
        guard let fd else { return nil }
        let peer = Socket.decode(&storage, length: length) ?? .unix(path: "")
        return (Socket(descriptor: fd), peer)
    }

    /// Starts a connection. Returns true when it completed at once, false when
    /// it is in progress (`EINPROGRESS`): the socket turns writable when it
    /// ends. The corresponding C function is `connect`.
    /// - Throws: ``SystemError`` with call `.connect`, including `EAGAIN`: a
    ///   Unix-domain listener with a full backlog (or a host out of local
    ///   ports) refuses at once, and no connection is left in progress.
    public func connect(to address: SocketAddress) throws(SystemError) -> Bool {
        let result = address.withSockAddr { Glibc.connect(descriptor, $0, $1) }
        if result == 0 { return true }
        switch Errno.current {
        case .nowInProgress, .alreadyInProcess, .interrupted: return false
        case .socketIsConnected: return true
        case let error: throw SystemError(.connect, errno: error, path: address.unixPath)
        }
    }

    /// Sends what the socket takes now, with `MSG_NOSIGNAL` so a closed peer is
    /// `EPIPE`, never `SIGPIPE`. Returns the bytes sent, or nil when it would
    /// block. The corresponding C function is `send`.
    @inline(__always)
    public func send(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        try Syscall.nonBlocking(.send) { csystem_send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends several buffers in one call (`sendmsg` with `MSG_NOSIGNAL`).
    /// Returns the bytes sent, or nil when it would block.
    func send(vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int? {
        var message = msghdr()
        message.msg_iov = vectors.baseAddress
        message.msg_iovlen = vectors.count
        return try Syscall.nonBlocking(.send) { csystem_sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL)) }
    }

    /// Receives into `buffer`: the byte count, 0 at end of input, nil when it
    /// would block. The corresponding C function is `recv`.
    @inline(__always)
    public func receive(into buffer: UnsafeMutableRawBufferPointer, flags: ReceiveFlags = []) throws(SystemError) -> Int? {
        try Syscall.nonBlocking(.recv) { csystem_recv(descriptor, buffer.baseAddress, buffer.count, flags.rawValue) }
    }

    /// Shuts down one or both directions (`.write` sends a FIN). The
    /// corresponding C function is `shutdown`.
    public func shutdown(_ direction: ShutdownDirection) throws(SystemError) {
        _ = try Syscall.retrying(.shutdown) { Glibc.shutdown(descriptor, direction.rawValue) }
    }

    /// Closes the descriptor. The corresponding C function is `close`.
    public func close() {
        Syscall.close(descriptor)
    }

    /// Sets an integer or on/off option (1 on, 0 off). The corresponding C
    /// function is `setsockopt`.
    public func setOption(_ option: SocketOption, to value: Int) throws(SystemError) {
        try setOption(level: option.level, name: option.name, value: Int32(clamping: value))
    }

    /// An option's current value. The corresponding C function is `getsockopt`.
    public func option(_ wanted: SocketOption) throws(SystemError) -> Int {
        Int(try option(level: wanted.level, name: wanted.name))
    }

    /// The error a failed non-blocking connect left (`SO_ERROR`), or nil.
    /// Reading it clears it.
    public func pendingError() throws(SystemError) -> Errno? {
        let value = try option(level: SOL_SOCKET, name: SO_ERROR)
        return value == 0 ? nil : Errno(rawValue: value)
    }

    /// The socket's family (`SO_DOMAIN`) and type (`SO_TYPE`).
    /// - Throws: ``SystemError`` with call `.getsockopt`, and `EAFNOSUPPORT`
    ///   or `ESOCKTNOSUPPORT` for a family or type this library does not handle.
    public func familyAndType() throws(SystemError) -> (family: SocketFamily, type: SocketType) {
        guard let family = SocketFamily(rawValue: try option(level: SOL_SOCKET, name: SO_DOMAIN)) else {
            throw SystemError(.getsockopt, errno: .addressFamilyNotSupported)
        }
        guard let type = SocketType(rawValue: try option(level: SOL_SOCKET, name: SO_TYPE)) else {
            throw SystemError(.getsockopt, errno: .socketTypeNotSupported)
        }
        return (family, type)
    }

    /// The bytes sent but not yet taken by the peer: for Unix-domain sockets
    /// those its receiver has not read, for TCP those not yet acknowledged.
    /// The corresponding C function is `ioctl` (`TIOCOUTQ`).
    package func unsentByteCount() throws(SystemError) -> Int {
        var count: Int32 = 0
        _ = try Syscall.retrying(.ioctl) { ioctl(descriptor, UInt(TIOCOUTQ), &count) }
        return Int(count)
    }

    private func setOption(level: Int32, name: Int32, value: Int32) throws(SystemError) {
        var value = value
        _ = try Syscall.retrying(.setsockopt) {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    private func option(level: Int32, name: Int32) throws(SystemError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try Syscall.retrying(.getsockopt) { getsockopt(descriptor, level, name, &value, &length) }
        return value
    }

    /// The address this socket is bound to. The corresponding C function is `getsockname`.
    public func localAddress() throws(SystemError) -> SocketAddress {
        try address(.getsockname) { getsockname(descriptor, $0, $1) }
    }

    /// The connected peer's address. The corresponding C function is `getpeername`.
    public func peerAddress() throws(SystemError) -> SocketAddress {
        try address(.getpeername) { getpeername(descriptor, $0, $1) }
    }

    private func address(
        _ call: SystemCall, _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemError) in
                try Syscall.retrying(call) { body(address, &length) }
            }
        }
        guard let decoded = Socket.decode(&storage, length: length) else {
            throw SystemError(call, errno: .addressFamilyNotSupported)
        }
        return decoded
    }

    private static func decode(_ storage: inout sockaddr_storage, length: socklen_t) -> SocketAddress? {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try? SocketAddress($0, length: length) }
        }
    }
}
