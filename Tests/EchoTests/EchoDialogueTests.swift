import AsyncCore
import Echo
import ProtocolTesting
import Testing

/// The echo protocols through scripted dialogues, with the client's bytes
/// delivered whole, one byte at a time and split at every position.
@Suite struct EchoDialogueTests {
    @Test func lineModeEchoesEachLineWithItsOwnLineEnd() throws {
        try transcript("line-echo.txt").run(against: lineEcho(EchoOptions()), chunking: .all())
    }

    @Test func lineModeAnswersAnOverlongLineWithAnErrorLine() throws {
        try transcript("line-echo-overlong.txt").run(against: lineEcho(try EchoOptions(maxLineLength: 8)), chunking: .all())
    }

    @Test func rawModeEchoesEveryByte() throws {
        try transcript("raw-echo.txt").run(against: rawEcho, chunking: .all())
    }

    @Test func clientsAreEchoedIndependently() throws {
        let alice = Client("alice"), bob = Client("bob")
        let dialogue = Dialogue {
            alice.send("from alice")
            bob.send("from bob")
            bob.expect("from bob")
            alice.expect("from alice")
            alice.close()
            bob.close()
        }
        try dialogue.run(against: lineEcho(EchoOptions()), chunking: .all())
    }

    private func lineEcho(_ options: EchoOptions) -> ServerUnderTest {
        .inProcess { socket, loop in try LineEchoChannel(socket: socket, options: options, loop: loop) }
    }

    private let rawEcho = ServerUnderTest.inProcess { socket, loop in try RawEchoHandler(socket: socket, loop: loop) }

    private func transcript(_ name: String) throws -> Dialogue {
        try Dialogue(contentsOfFile: "Transcripts/\(name)", relativeTo: #filePath)
    }
}
