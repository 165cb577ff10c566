import AsyncCore
import Echo
import Testing

func startEchoServer() throws -> EventLoopThread {
    let (thread, address) = try EventLoopThread.start(name: "echo") { loop in
        try EchoServer(address: .ipv4("127.0.0.1", port: 0), loop: loop).localAddress
    }
    print("echoing on \(address)")
    let clients = try thread.handle.submitAndWait { loop in loop.dispatchers.count - 1 }
    print("\(clients) clients so far")
    return thread                                 // thread.stop() ends it
}

@Test func anEchoServerStartedFromAThreadThatIsNotAsync() throws {
    let thread = try startEchoServer()
    thread.stop()
    #expect(throws: LoopHandleError.self) { try thread.handle.submitAndWait { _ in } }
}
