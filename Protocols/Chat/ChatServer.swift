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
    /// - Throws: `SystemError` naming the address when the socket cannot be
    ///   made, bound or listened on.
    public init(address: SocketAddress, options: ChatOptions = ChatOptions(), loop: EventLoop) throws(SystemError) {
        room = ChatRoom(loop: loop, options: options)
        super.init(loop: loop)
        try listen(on: address)
    }

    public override func writable() -> Bool { false }

    /// Stops accepting, then tells everyone in the room that the server is
    /// shutting down and closes their connections (see ``ChatRoom/shutDown()``).
    /// Run the loop on until its dispatchers are gone, or for a grace period.
    ///
    /// ```swift
    /// try loop.onSignals([SIGTERM]) { _ in server.shutDown() }
    /// ```
    public func shutDown() {
        close()
        room.shutDown()
    }

    public override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        try room.admit(socket, peer: address)
    }
}
