import AsyncCore

/// A listening socket that admits every connection into a ``ChatRoom``.
///
/// ```swift
/// let loop = try EventLoop()
/// let server = try ChatServer(address: .ipv4(port: 0), loop: loop)
/// print("listening on \(try server.localAddress)")
/// try loop.run()
/// ```
/// On several loops, one server per loop shares one room
/// (``makeServers(on:options:)``), and the group's listener hands each
/// server its share of the connections:
///
/// ```swift
/// let group = try EventLoopGroup(loops: 4)
/// let servers = try ChatServer.makeServers(on: group)
/// let address = try group.serve(.ipv4("127.0.0.1", port: 7008), handingTo: servers)
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

    /// A server that does not listen: it admits the connections handed to
    /// its ``handleAccepted(socket:address:)`` (by an `EventLoopGroup`) into
    /// `room`, on the room's loop.
    public init(room: ChatRoom) {
        self.room = room
        super.init(loop: room.loop)
    }

    /// One server on each loop of `group`, all in one room: the first loop's
    /// room decides for all (see ``ChatRoom``). Call it from a thread outside the group.
    ///
    /// ```swift
    /// let servers = try ChatServer.makeServers(on: group)
    /// try group.serve(.ipv4(port: 7008), handingTo: servers)
    /// // ... later, to shut down:
    /// for server in servers { server.handle.execute { server.value.shutDown() } }
    /// ```
    /// - Throws: `LoopHandleError` when a loop of the group has stopped, or
    ///   when called on one of the group's threads.
    public static func makeServers(on group: EventLoopGroup, options: ChatOptions = ChatOptions()) throws -> [LoopBound<ChatServer>] {
        let handles = group.handles
        let first = try handles[0].submitAndWait { loop in
            LoopBound(ChatServer(room: ChatRoom(loop: loop, options: options)), loop: loop)
        }
        let link = try handles[0].submitAndWait { _ in first.value.room.link }
        var servers = [first]
        for handle in handles.dropFirst() {
            servers.append(try handle.submitAndWait { loop in
                LoopBound(ChatServer(room: ChatRoom(loop: loop, joining: link)), loop: loop)
            })
        }
        return servers
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
