import AsyncCore

/// A listening socket that admits every connection into a ``ChatRoom``.
///
/// ```swift
/// let loop = try EventLoop()
/// let server = try ChatServer(address: .ipv4(port: 0), loop: loop)
/// print("listening on \(try server.localAddress)")
/// try loop.run()
/// ```
public final class ChatServer: Dispatcher {
    /// The room the connections join.
    public let room: ChatRoom

    /// Binds `address` (with `SO_REUSEADDR`) and starts listening.
    /// - Throws: `SystemError` when the socket cannot be made, bound or listened on.
    public init(address: SocketAddress, options: ChatOptions = ChatOptions(), loop: EventLoop) throws(SystemError) {
        room = ChatRoom(loop: loop, options: options)
        super.init(loop: loop)
        do {
            try createSocket(family: address.family)
            try setReuseAddress()
            try bind(to: address)
            try listen()
        } catch {
            close()
            throw error
        }
    }

    public override func writable() -> Bool { false }

    public override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        try room.admit(socket)
    }
}
