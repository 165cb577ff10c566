import ProtocolTesting
import Testing

/// `ReadReporter` answers each read with its size, so these dialogues see
/// exactly how the kit cut the client's bytes.
@Suite struct ChunkingTests {
    private let raw = "C< abcdef\n"

    @Test func wholeSendsLeaveInOneWrite() throws {
        try Dialogue(transcript: raw + "S: read 6\n", name: "whole").run(against: ReadReporter.server)
    }

    @Test func bytesSendsOneBytePerWrite() throws {
        let dialogue = try Dialogue(transcript: raw + String(repeating: "S: read 1\n", count: 6), name: "bytes")
        try dialogue.run(against: ReadReporter.server, chunking: .only(.bytes))
    }

    @Test func aSplitCutsBeforeItsByte() throws {
        let dialogue = try Dialogue(transcript: raw + "S: read 2\nS: read 4\n", name: "split")
        try dialogue.run(against: ReadReporter.server, chunking: .only(.split(at: 2)))
    }

    @Test func splitPositionsCountAcrossBursts() throws {
        let dialogue = try Dialogue(transcript: "C< abc\nS: read 3\nC< defg\nS: read 2\nS: read 2\n", name: "second burst")
        try dialogue.run(against: ReadReporter.server, chunking: .only(.split(at: 5)))
    }

    @Test func sendsWithNothingBetweenThemArriveTogetherLikePipelining() throws {
        let dialogue = try Dialogue(transcript: "C: MAIL FROM:<a@b>\nC: RCPT TO:<c@d>\nC: DATA\nS: read 38\n", name: "pipelining")
        try dialogue.run(against: ReadReporter.server)
    }

    @Test func aChunkingDirectiveOverridesTheRun() throws {
        let dialogue = try Dialogue(transcript: "!chunking bytes\nC< ab\nS: read 1\nS: read 1\n!chunking whole\nC< cd\nS: read 2\n", name: "override")
        try dialogue.run(against: ReadReporter.server, chunking: .all())
    }

    @Test func allRunsWholeBytesAndEverySplitInsideABurst() throws {
        let dialogue = try Dialogue(transcript: "C: hello\nS: echo: hello\nC: abc\nS: echo: abc\n", name: "echo")
        let report = try dialogue.run(against: LineEcho.server(), chunking: .all())
        #expect(report.runs == 2 + 6 + 4)
        #expect(report.chunkings.prefix(3) == [.whole, .bytes, .split(at: 1)])
        #expect(!report.chunkings.contains(.split(at: 7)))
    }

    @Test func aLongScriptIsSampledReproducibly() throws {
        let dialogue = try Dialogue(transcript: "C: \(String(repeating: "x", count: 300))\nS: echo: \(String(repeating: "x", count: 300))\n", name: "long")
        let first = try dialogue.run(against: LineEcho.server(), chunking: .all(maxSplits: 10, seed: 7))
        let again = try dialogue.run(against: LineEcho.server(), chunking: .all(maxSplits: 10, seed: 7))
        #expect(first.runs == 12)
        #expect(first.chunkings == again.chunkings)
    }

    @Test func randomCutsPassAGoodServer() throws {
        let dialogue = try Dialogue(contentsOfFile: "Transcripts/line-echo.txt", relativeTo: #filePath)
        let report = try dialogue.run(against: LineEcho.server(), chunking: .random(runs: 25, seed: 42))
        #expect(report.chunkings.last == .random(seed: 66))
    }

    @Test func aServerThatFramesByReadPassesWholeButNotAll() throws {
        let dialogue = try Dialogue(transcript: "C: hello\nS: got: hello\n", name: "framing bug")
        try dialogue.run(against: ReadPerLine.server)
        let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: ReadPerLine.server, chunking: .all()) }
        #expect(report?.chunking == .bytes)
    }

    @Test func chunkingsReadBackFromTheirDescription() {
        for chunking in [Chunking.whole, .bytes, .split(at: 17), .random(seed: 9)] {
            #expect(Chunking(chunking.description) == chunking)
        }
        #expect(Chunking("split:0") == nil)
        #expect(Chunking("halves") == nil)
    }
}
