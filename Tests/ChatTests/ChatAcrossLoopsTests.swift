import AsyncCore
import Chat
import ProtocolTesting
import Testing

/// One room served by several loops: members on different loops see each
/// other's joins, lines and leaves, and nicks stay unique. (ExampleTests
/// checks each sender's order under load and a slow member dropped across
/// loops, against `chat-server --threads 3`.)
@Suite struct ChatAcrossLoopsTests {
    let alice = Client("alice"), bob = Client("bob"), carol = Client("carol")

    /// The transcripts a single-loop room passes, against three loops: the
    /// clients of each are on different loops, and the room behaves the same.
    @Test(arguments: ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"])
    func theTranscriptsPassWithTheirClientsOnDifferentLoops(name: String) async throws {
        let server = try GroupChatServer(loops: 3)
        try await transcript(name).run(against: .tcp(host: "127.0.0.1", port: server.port))
    }

    @Test func aNickIsUniqueAcrossLoops() async throws {
        let server = try GroupChatServer(loops: 2)
        let dialogue = Dialogue {
            join(alice)
            bob.expect("*** Welcome to the chat room")
            bob.expect("*** Choose a nick with /nick NAME")
            bob.send("/nick ALICE")
            bob.expect("*** error: the nick ALICE is taken")
            bob.send("/who")
            bob.expect("*** In the room: alice")
        }
        try await dialogue.run(against: .tcp(host: "127.0.0.1", port: server.port))
    }

    @Test func leavingOnOneLoopIsAnnouncedOnTheOthers() async throws {
        let server = try GroupChatServer(loops: 2)
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            bob.send("/quit")
            bob.expect("*** Goodbye")
            bob.expectClose()
            alice.expect("*** bob has left")
            alice.send("/who")
            alice.expect("*** In the room: alice")
        }
        try await dialogue.run(against: .tcp(host: "127.0.0.1", port: server.port))
    }
}
