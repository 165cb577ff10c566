import AsyncCore
import Chat
import Testing

func startChatOnFourLoops() throws -> (EventLoopGroup, SocketAddress) {
    let group = try EventLoopGroup(loops: 4)
    let servers = try ChatServer.makeServers(on: group)          // one per loop, all in one room
    let address = try group.serve(.ipv4("127.0.0.1", port: 0), handingTo: servers)
    return (group, address)                                      // group.stop() ends all four
}

@Test func aChatServerOnFourLoops() throws {
    let (group, address) = try startChatOnFourLoops()
    defer { group.stop() }
    #expect(group.threads.count == 4)
    #expect(address.port != 0)
}
