import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// How a test cuts one byte stream into the reads a channel sees.
enum SplitStyle: String, CaseIterable, Sendable {
    /// The whole stream in one read.
    case whole
    /// Two reads, for every cut position in turn.
    case everySingleCut
    /// One read per byte.
    case oneByteAtATime

    /// The cut lists to feed a stream of `length` bytes with.
    func cutPlans(length: Int) -> [[Int]] {
        switch self {
        case .whole: return [[]]
        case .everySingleCut: return length < 2 ? [[]] : (1..<length).map { [$0] }
        case .oneByteAtATime: return [Array(0..<length)]
        }
    }
}

/// What the framing layer made of a stream: the frames, the unterminated
/// tail reported at end of input, and the overflow reports.
struct FramingOutcome: Equatable, CustomStringConvertible {
    var frames: [[UInt8]]
    var tails: [[UInt8]] = []
    var overflows: Int = 0

    init(frames: [[UInt8]], tails: [[UInt8]] = [], overflows: Int = 0) {
        self.frames = frames
        self.tails = tails
        self.overflows = overflows
    }

    init(_ channel: RecordingChannel) {
        self.init(frames: channel.frames, tails: channel.unterminatedTails, overflows: channel.overflowLengths.count)
    }

    var description: String {
        func list(_ items: [[UInt8]]) -> String { "[" + items.map(escaped).joined(separator: ", ") + "]" }
        return "frames \(list(frames)) tails \(list(tails)) overflows \(overflows)"
    }
}

/// Bytes as a readable string literal, for failure messages.
func escaped(_ bytes: [UInt8]) -> String {
    var text = "\""
    for byte in bytes {
        switch byte {
        case 13: text += "\\r"
        case 10: text += "\\n"
        case 0: text += "\\0"
        case 34: text += "\\\""
        case 32...126: text.append(Character(UnicodeScalar(byte)))
        default: text += "\\x" + String(byte, radix: 16)
        }
    }
    return text + "\""
}

/// Feeds `stream` to a new channel over a socketpair, one read per piece
/// between `cuts`, then ends the input (`SHUT_WR`) and runs until the channel
/// has closed, so the unterminated tail is reported too.
func frameStream(
    _ stream: [UInt8], cuts: [Int], loop: EventLoop,
    configure: (RecordingChannel) -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> RecordingChannel {
    let (local, peer) = try Socket.pair()
    defer { peer.close() }
    let channel = try RecordingChannel(socket: local, loop: loop)
    configure(channel)
    try ChunkedFeeder(peer: peer, loop: loop).feed(stream, splitAt: cuts, into: channel)
    try peer.shutdown(.write)
    try loop.run(until: { !channel.isOpen }, sourceLocation: sourceLocation)
    return channel
}

/// Frames `stream` whole and checks the outcome against `expected`, then
/// feeds it cut as `style` says and checks every outcome equals the whole
/// one; also that no empty chunk was collected and the channel closed once.
func expectFraming(
    _ stream: [UInt8], backend: PollerBackend, style: SplitStyle,
    expected: FramingOutcome,
    sourceLocation: SourceLocation = #_sourceLocation,
    configure: (RecordingChannel) -> Void
) throws {
    let loop = try EventLoop(backend: backend)
    defer { loop.closeAll() }
    func run(_ cuts: [Int]) throws -> FramingOutcome {
        let channel = try frameStream(stream, cuts: cuts, loop: loop, configure: configure, sourceLocation: sourceLocation)
        #expect(channel.collectedNoEmptyChunk, "empty chunk collected, cut at \(cuts)", sourceLocation: sourceLocation)
        #expect(channel.closeCount == 1, "cut at \(cuts)", sourceLocation: sourceLocation)
        #expect(channel.errors.isEmpty, "cut at \(cuts): \(channel.errors)", sourceLocation: sourceLocation)
        return FramingOutcome(channel)
    }
    let whole = try run([])
    #expect(whole == expected, "delivered whole", sourceLocation: sourceLocation)
    guard style != .whole else { return }
    for cuts in style.cutPlans(length: stream.count) {
        let outcome = try run(cuts)
        #expect(outcome == whole, "cut at \(cuts)", sourceLocation: sourceLocation)
        if outcome != whole { return }
    }
}
