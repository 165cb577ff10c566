import AsyncCore
import Chat
import Echo

// sample: echo-server-on-a-thread
func startEchoServer() throws -> EventLoopThread {
    let (thread, address) = try EventLoopThread.start(name: "echo") { loop in
        try EchoServer(address: .ipv4("127.0.0.1", port: 0), loop: loop).localAddress
    }
    print("echoing on \(address)")
    let clients = try thread.handle.submitAndWait { loop in loop.dispatchers.count - 1 }
    print("\(clients) clients so far")
    return thread                                 // thread.stop() ends it
}
// end sample

// sample: chat-on-four-loops
func startChatOnFourLoops() throws -> (EventLoopGroup, SocketAddress) {
    let group = try EventLoopGroup(loops: 4)
    let servers = try ChatServer.makeServers(on: group)          // one per loop, all in one room
    let address = try group.serve(.ipv4("127.0.0.1", port: 0), handingTo: servers)
    return (group, address)                                      // group.stop() ends all four
}
// end sample
