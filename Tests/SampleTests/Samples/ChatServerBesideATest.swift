import AsyncCore
import Chat
import Testing

@Test func aChatServerBesideTheTest() async throws {
    let (thread, server) = try await EventLoopThread.start(name: "chat") { loop in
        LoopBound(try ChatServer(address: .ipv4("127.0.0.1", port: 0), loop: loop), loop: loop)
    }
    defer { thread.stop() }                       // joins the thread; every connection is closed
    let address = try await thread.handle.submit { _ in try server.value.localAddress }
    #expect(address.port != 0)
    // ... clients connect to `address`; any task or thread may ask the room:
    let members = try await thread.handle.submit { _ in server.value.room.members }
    #expect(members.isEmpty)
}
