import Chat
import ProtocolTesting
import Testing

/// The transcripts a running chat-server must pass (the CLI test runs them
/// over TCP too), here in-process under every chunking of the clients' bytes.
@Suite struct ChatTranscriptTests {
    @Test(arguments: ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"])
    func transcriptPassesUnderEveryChunking(name: String) throws {
        try transcript(name).run(against: chatRoom(), chunking: .all())
    }

    @Test func idleMembersAreDisconnectedInVirtualTime() throws {
        var options = ChatOptions()
        options.idleTimeout = .seconds(600)
        try transcript("idle.txt").run(against: chatRoom(options), chunking: .all())
    }
}

/// A transcript kept in `Transcripts/`, named in reports by that path.
func transcript(_ name: String) throws -> Dialogue {
    try Dialogue(contentsOfFile: "Transcripts/\(name)", relativeTo: #filePath)
}
