import AsyncCore
import Testing

/// The README's and the Threads article's embedding samples do what their
/// text says.
@Suite("README: servers embedded on loop threads")
struct EmbeddedServerTests {
    @Test func anEchoServerStartedFromAThreadThatIsNotAsyncStopsWhenTold() throws {
        let thread = try startEchoServer()
        thread.stop()
        #expect(throws: LoopHandleError.self) { try thread.handle.submitAndWait { _ in } }
    }

    @Test func aChatServerOnFourLoopsListensOnOnePort() throws {
        let (group, address) = try startChatOnFourLoops()
        defer { group.stop() }
        #expect(group.threads.count == 4)
        #expect(address.port != 0)
    }
}
