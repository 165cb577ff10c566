import Glibc

/// An integer or on/off socket option, for ``Socket/setOption(_:to:)`` and
/// ``Socket/option(_:)``.
///
/// ```swift
/// try socket.setOption(.noDelay, to: 1)            // TCP_NODELAY on
/// try socket.setOption(.sendBufferSize, to: 4096)
/// print(try socket.option(.reuseAddress))          // 0 or 1
/// ```
public struct SocketOption: Sendable, Hashable, CustomStringConvertible {
    let level: Int32
    let name: Int32
    /// The C name (`"SO_REUSEADDR"`).
    public let description: String

    private init(level: Int32, name: Int32, _ description: String) {
        self.level = level
        self.name = name
        self.description = description
    }

    /// Lets a restarted server bind its port while old connections linger (`SO_REUSEADDR`).
    public static let reuseAddress = SocketOption(level: SOL_SOCKET, name: SO_REUSEADDR, "SO_REUSEADDR")
    /// Lets several sockets bind the same port; the kernel spreads connections (`SO_REUSEPORT`).
    public static let reusePort = SocketOption(level: SOL_SOCKET, name: SO_REUSEPORT, "SO_REUSEPORT")
    /// Sends keep-alive probes on an idle connection (`SO_KEEPALIVE`).
    public static let keepAlive = SocketOption(level: SOL_SOCKET, name: SO_KEEPALIVE, "SO_KEEPALIVE")
    /// The kernel's send buffer size in bytes (`SO_SNDBUF`).
    public static let sendBufferSize = SocketOption(level: SOL_SOCKET, name: SO_SNDBUF, "SO_SNDBUF")
    /// The kernel's receive buffer size in bytes (`SO_RCVBUF`).
    public static let receiveBufferSize = SocketOption(level: SOL_SOCKET, name: SO_RCVBUF, "SO_RCVBUF")
    /// Sends small TCP segments at once instead of coalescing them (`TCP_NODELAY`).
    public static let noDelay = SocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, "TCP_NODELAY")
}
