import AsyncChat
import TestSupport
import Testing

/// The framer on its own, with no socket: the terminator algorithm agrees
/// with the reference model however the stream is cut, and a terminator set
/// between pieces applies to the very next byte.
@Suite("InputFramer")
struct InputFramerTests {
    @Test func theDocumentationExampleFramesOneLineAndKeepsTheRest() {
        var framer = InputFramer(terminator: .crlf)
        var window = ArraySlice(bytes("HELO a\r\nMAIL"))
        var frames: [[UInt8]] = [], frame: [UInt8] = []
        while let piece = framer.nextPiece(from: &window) {
            frame += piece.data
            if piece.endsFrame {
                frames.append(frame)
                frame = []
            }
        }
        #expect(frames == [bytes("HELO a")])
        #expect(frame == bytes("MAIL"))
        #expect(window.isEmpty)
    }

    @Test func aPossiblePartialTerminatorStaysInTheWindow() {
        var framer = InputFramer(terminator: "\r\n.\r\n")
        var window = ArraySlice(bytes("body\r\n."))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("body")), endsFrame: false))
        #expect(framer.nextPiece(from: &window) == nil)
        #expect(Array(window) == bytes("\r\n."))
    }

    @Test func aByteCountCountsDownAndEndsOnNone() {
        var framer = InputFramer(terminator: .count(5))
        var window = ArraySlice(bytes("abc"))
        #expect(framer.nextPiece(from: &window)?.endsFrame == false)
        #expect(framer.terminator == .count(2))
        window = ArraySlice(bytes("defg"))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("de")), endsFrame: true))
        #expect(framer.terminator == Terminator.none)
        #expect(Array(window) == bytes("fg"))
    }

    /// The count-down happens before the piece is handed out, so a
    /// terminator the application sets while handling it (in an overflow
    /// report, say) is the one in force afterwards.
    @Test func aTerminatorSetAfterACountPieceWins() {
        var framer = InputFramer(terminator: .count(10))
        var window = ArraySlice(bytes("abcd"))
        _ = framer.nextPiece(from: &window)
        framer.terminator = .crlf
        window = ArraySlice(bytes("ef\r\ngh\r\n"))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("ef")), endsFrame: true))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("gh")), endsFrame: true))
        #expect(framer.terminator == .crlf)
    }

    @Test func crlfOrLFDropsTheCarriageReturnBeforeTheLineFeedOnly() {
        var framer = InputFramer(terminator: .crlfOrLF)
        var window = ArraySlice(bytes("a\r\r\nb\nc\r"))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("a\r")), endsFrame: true))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("b")), endsFrame: true))
        #expect(framer.nextPiece(from: &window) == InputFramer.Piece(data: ArraySlice(bytes("c")), endsFrame: false))
        #expect(framer.nextPiece(from: &window) == nil)
        #expect(Array(window) == bytes("\r"))
    }

    static let knownStreams: [(stream: String, program: TerminatorProgram)] = [
        ("HELO a\r\nMAIL FROM:<b>\r\nDATA\r\nline\r\n..dot\r\n.\r\nQUIT\r\n",
         TerminatorProgram(initial: .crlf, afterFrame: [nil, nil, "\r\n.\r\n", .crlf])),
        ("5\nhello3\nabcrest", TerminatorProgram(initial: .lf, afterFrame: [.count(5), .lf, .count(3), .lf])),
        ("x\r\r\ny\nz\r", TerminatorProgram(initial: .crlfOrLF)),
        ("abababab", TerminatorProgram(initial: "abab")),
        ("qqqqq", TerminatorProgram(initial: "qqq", afterFrame: [Terminator.none])),
        ("toolongline\nok\n", TerminatorProgram(initial: .lf, maxFrameLength: 4)),
    ]

    @Test(arguments: SplitStyle.allCases)
    func knownStreamsAgreeWithTheModelUnderEveryCut(style: SplitStyle) {
        for (text, program) in Self.knownStreams {
            let stream = bytes(text)
            let expected = ReferenceFramer.frame(stream, program: program)
            for cuts in style.cutPlans(length: stream.count) {
                #expect(FramerDriver.frame(stream, cuts: cuts, program: program) == expected, "\(escaped(stream)) cut at \(cuts)")
            }
        }
    }

    @Test func randomStreamsProgramsAndCutsAgreeWithTheModel() {
        var generator = SeededGenerator(seed: 0xF4A3_E5)
        for round in 0..<2000 {
            let length = Int.random(in: 0...80, using: &generator)
            let stream = (0..<length).map { _ in FramingDifferentialTests.alphabet.randomElement(using: &generator)! }
            var program = FramingDifferentialTests.randomProgram(using: &generator)
            program.pausesAfterEachFrame = false
            let cuts = FramingDifferentialTests.randomCuts(length: length, using: &generator)
            let outcome = FramerDriver.frame(stream, cuts: cuts, program: program)
            let expected = ReferenceFramer.frame(stream, program: program)
            #expect(outcome == expected, "round \(round): \(escaped(stream)) cut at \(cuts), \(program)")
            if outcome != expected { return }
        }
    }
}

/// Drives an ``InputFramer`` as ``ChatChannel`` does, with no socket: keeps
/// what the framer leaves in the window for the next read, bounds frames,
/// and reports the unterminated tail at the end.
private struct FramerDriver {
    private var framer: InputFramer
    private let program: TerminatorProgram
    private var unframed: [UInt8] = []
    private var frame: [UInt8] = []
    private var discarding = false
    private var outcome = FramingOutcome(frames: [])

    static func frame(_ stream: [UInt8], cuts: [Int], program: TerminatorProgram) -> FramingOutcome {
        var driver = FramerDriver(framer: InputFramer(terminator: program.initial), program: program)
        var start = 0
        for end in cuts + [stream.count] where end > start {
            driver.feed(stream[start..<end])
            start = end
        }
        return driver.finish()
    }

    private init(framer: InputFramer, program: TerminatorProgram) {
        self.framer = framer
        self.program = program
    }

    private mutating func feed(_ bytes: ArraySlice<UInt8>) {
        var window = unframed.isEmpty ? bytes : ArraySlice(unframed + bytes)
        while let piece = framer.nextPiece(from: &window) {
            if !discarding, !piece.data.isEmpty {
                if frame.count + piece.data.count > program.maxFrameLength {
                    discarding = true
                    frame = []
                    outcome.overflows += 1
                } else {
                    frame += piece.data
                }
            }
            if piece.endsFrame { endFrame() }
        }
        unframed = Array(window)
    }

    private mutating func endFrame() {
        defer { frame = [] }
        if discarding {
            discarding = false
            return
        }
        outcome.frames.append(frame)
        if let next = program.next(afterFrame: outcome.frames.count - 1) { framer.terminator = next }
    }

    private mutating func finish() -> FramingOutcome {
        let tail = frame + unframed
        if !discarding, !tail.isEmpty { outcome.tails.append(tail) }
        return outcome
    }
}
