import AsyncChat
import AsyncCore
import Echo
import ProtocolTesting
import TestSupport
import Testing

/// The echo protocols through scripted dialogues, with the client's bytes
/// delivered whole, one byte at a time and split at every position. The
/// line echo's transcripts run against the callback channel and the
/// async/await echo alike: their bytes must not differ. Each runs on a
/// thread of its own, leaving the cooperative pool to the async tests.
@Suite struct EchoDialogueTests {
    enum LineEcho: String, CaseIterable, CustomTestStringConvertible {
        case callback, async
        var testDescription: String { rawValue }
    }

    @Test(arguments: LineEcho.allCases)
    func lineModeEchoesEachLineWithItsOwnLineEnd(_ kind: LineEcho) async throws {
        try await onOwnThread { try transcript("line-echo.txt").run(against: lineEcho(kind, EchoOptions()), chunking: .all()) }
    }

    @Test(arguments: LineEcho.allCases)
    func lineModeAnswersAnOverlongLineWithAnErrorLine(_ kind: LineEcho) async throws {
        try await onOwnThread {
            try transcript("line-echo-overlong.txt").run(against: lineEcho(kind, try EchoOptions(maxLineLength: 8)), chunking: .all())
        }
    }

    @Test func theAsyncEchoHoldsAnOverlongLineWithinItsLimitAcrossEveryChunking() async throws {
        let dialogue = try Dialogue(transcript: "C: 12345678\nS: 12345678\nC< 123456789\nC< 0\nS: error: line too long\nC< 1\nC: \nC: ok\nS: ok\nC-\nS=\n", name: "limit.txt")
        try await onOwnThread { try dialogue.run(against: lineEcho(.async, try EchoOptions(maxLineLength: 9)), chunking: .all()) }
    }

    @Test func rawModeEchoesEveryByte() throws {
        try transcript("raw-echo.txt").run(against: rawEcho, chunking: .all())
    }

    @Test func clientsAreEchoedIndependently() async throws {
        let alice = Client("alice"), bob = Client("bob")
        let dialogue = Dialogue {
            alice.send("from alice")
            bob.send("from bob")
            bob.expect("from bob")
            alice.expect("from alice")
            alice.close()
            bob.close()
        }
        try await onOwnThread {
            try dialogue.run(against: lineEcho(.callback, EchoOptions()), chunking: .all())
            try dialogue.run(against: lineEcho(.async, EchoOptions()), chunking: .all())
        }
    }

    private func lineEcho(_ kind: LineEcho, _ options: EchoOptions) -> ServerUnderTest {
        switch kind {
        case .callback:
            return .inProcess { socket, loop in try LineEchoChannel(socket: socket, options: options, loop: loop) }
        case .async:
            return .inProcess(connectionOptions: AsyncLineEcho.connectionOptions(options)) { connection in
                await AsyncLineEcho.echo(connection)
            }
        }
    }

    private let rawEcho = ServerUnderTest.inProcess { socket, loop in try RawEchoHandler(socket: socket, loop: loop) }

    private func transcript(_ name: String) throws -> Dialogue {
        try Dialogue(contentsOfFile: "Transcripts/\(name)", relativeTo: #filePath)
    }
}
