import AsyncCore
import Chat

/// A chat server on a group of loops, listening on a free loopback port:
/// its clients are shared out over the loops in turn, so consecutive
/// clients are served by different loops. The loops stop when it goes away.
final class GroupChatServer: Sendable {
    let group: EventLoopGroup
    let servers: [LoopBound<ChatServer>]
    let port: UInt16

    init(loops: Int, options: ChatOptions = ChatOptions()) throws {
        group = try EventLoopGroup(loops: loops, name: "chat")
        servers = try ChatServer.makeServers(on: group, options: options)
        port = try group.serve(.ipv4(host: "127.0.0.1", port: 0), handingTo: servers).port ?? 0
    }

    deinit {
        group.stop()
    }
}
