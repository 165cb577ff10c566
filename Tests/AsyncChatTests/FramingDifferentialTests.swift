import AsyncChat
import AsyncCore
import TestSupport
import Testing

/// The channel agrees with ``ReferenceFramer`` (the framing semantics over
/// the whole stream, no buffers) on random streams, random terminator
/// programs, frame limits and pauses, and random read boundaries from a
/// seeded generator.
@Suite("Framing agrees with the reference model")
struct FramingDifferentialTests {
    /// Bytes that make terminators, their prefixes and near misses common.
    static let alphabet: [UInt8] = [13, 10, 13, 10, 46, 97, 98, 113, 0, 120]
    static let palette: [Terminator] = [
        .crlf, .lf, "\r\n.\r\n", "qqq", "abab", .bytes([0]), .crlfOrLF,
        .count(1), .count(3), .count(7), .count(0),
    ]

    static func randomProgram(using generator: inout SeededGenerator) -> TerminatorProgram {
        func pick() -> Terminator {
            // Rarely .none: it ends framing for good.
            Int.random(in: 0..<40, using: &generator) == 0 ? .none : palette.randomElement(using: &generator)!
        }
        let steps = (0..<Int.random(in: 0...4, using: &generator)).map { _ -> Terminator? in
            Bool.random(using: &generator) ? pick() : nil
        }
        var program = TerminatorProgram(initial: pick(), afterFrame: steps)
        if Int.random(in: 0..<3, using: &generator) == 0 { program.maxFrameLength = Int.random(in: 1...12, using: &generator) }
        program.pausesAfterEachFrame = Int.random(in: 0..<4, using: &generator) == 0
        return program
    }

    static func randomCuts(length: Int, using generator: inout SeededGenerator) -> [Int] {
        guard length > 1 else { return [] }
        if Int.random(in: 0..<8, using: &generator) == 0 { return Array(1..<length) }
        let count = Int.random(in: 0...min(6, length - 1), using: &generator)
        return Set((0..<count).map { _ in Int.random(in: 1..<length, using: &generator) }).sorted()
    }

    @Test(arguments: PollerBackend.allCases)
    func randomStreamsProgramsAndSplitsMatchTheModel(backend: PollerBackend) throws {
        var generator = SeededGenerator(seed: backend == .epoll ? 0x5EED_C4A7 : 0xA57C_4A75)
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        for round in 0..<250 {
            let length = Int.random(in: 0...120, using: &generator)
            let stream = (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }
            let program = Self.randomProgram(using: &generator)
            let cuts = Self.randomCuts(length: length, using: &generator)
            let expected = ReferenceFramer.frame(stream, program: program)
            let channel = try frameStream(stream, cuts: cuts, loop: loop, configure: program.install(on:))
            let outcome = FramingOutcome(channel)
            #expect(outcome == expected, "round \(round): \(escaped(stream)) cut at \(cuts), \(program)")
            #expect(channel.collectedNoEmptyChunk, "round \(round)")
            if outcome != expected { return }
        }
    }

    /// The model's own sanity: a few hand-checked programs.
    @Test func referenceModelFramesKnownStreams() {
        #expect(ReferenceFramer.frame(bytes("a\r\nb"), program: TerminatorProgram(initial: .crlf))
            == FramingOutcome(frames: [bytes("a")], tails: [bytes("b")]))
        #expect(ReferenceFramer.frame(bytes("2\nabc\n"), program: TerminatorProgram(initial: .lf, afterFrame: [.count(2), .lf]))
            == FramingOutcome(frames: [bytes("2"), bytes("ab"), bytes("c")]))
        #expect(ReferenceFramer.frame(bytes("x\r\r\ny\n"), program: TerminatorProgram(initial: .crlfOrLF))
            == FramingOutcome(frames: [bytes("x\r"), bytes("y")]))
        #expect(ReferenceFramer.frame(bytes("hello"), program: TerminatorProgram(initial: .count(2)))
            == FramingOutcome(frames: [bytes("he")], tails: [bytes("llo")]))
        #expect(ReferenceFramer.frame(bytes("abcdef\nab\nabcdefgh"), program: TerminatorProgram(initial: .lf, maxFrameLength: 3))
            == FramingOutcome(frames: [bytes("ab")], tails: [], overflows: 2))
        #expect(ReferenceFramer.frame(bytes("ab\nabc\r\n."), program: TerminatorProgram(initial: "\r\n.\r\n", maxFrameLength: 6))
            == FramingOutcome(frames: [], tails: [bytes("ab\nabc\r\n.")]))
    }

    /// The harness's own sanity: each piece between cuts reaches the channel
    /// as a read of its own.
    @Test(arguments: PollerBackend.allCases)
    func feederDeliversEachPieceAsItsOwnRead(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let channel = try frameStream(bytes("abcdefgh"), cuts: [1, 2, 5], loop: loop) { $0.terminator = .none }
        #expect(channel.collected == [bytes("a"), bytes("b"), bytes("cde"), bytes("fgh")])
    }
}
