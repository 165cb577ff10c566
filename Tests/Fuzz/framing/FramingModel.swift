import AsyncChat

/// The framing contract of `ChatChannel`, stated over the stream as a
/// whole: no read buffers, no sockets, a naive search. Where the channel's
/// reads fall does not matter to it, except where its documentation says
/// so: a terminator set from outside a handler frames the bytes already
/// received at once, and a possible partial terminator at the end of what
/// arrived is not data yet.
///
/// The model frames only when it must (before an outside switch, and at the
/// end), so any read boundaries the channel sees in between are checked
/// against one undivided pass.
struct FramingModel {
    struct Outcome: Equatable, CustomStringConvertible {
        var frames: [[UInt8]] = []
        var overflows = 0
        /// What `handleUnterminatedInput` received, if it was called.
        var tail: [UInt8]?
        /// The bytes handed to `collectIncomingData` since the last frame
        /// (or overflow) that no frame took.
        var collectedAfterLastFrame: [UInt8] = []

        var description: String {
            "frames [\(frames.map(escaped).joined(separator: ", "))], overflows \(overflows), "
                + "tail \(tail.map(escaped) ?? "none"), collected after the last frame \(escaped(collectedAfterLastFrame))"
        }
    }

    private(set) var terminator: Terminator
    private let program: [Terminator?]
    private let maxFrameLength: Int
    private let closesOnOverflow: Bool
    private let streaming: Bool
    private var stream: [UInt8] = []
    /// The first byte not framed yet: a possible partial terminator starts here.
    private var unframedStart = 0
    /// Bytes received since the last framing pass.
    private var unframedArrived = false
    /// The current frame's bytes handed to the collector so far.
    private var current: [UInt8] = []
    private var overflowed = false
    /// The channel closed because of an overflow: nothing more happens.
    private(set) var closed = false
    private var outcome = Outcome()

    /// A model of the channel `framingCase` sets up. A streaming collector
    /// bounds nothing, so its frames have no limit.
    init(_ framingCase: FramingCase) {
        terminator = framingCase.initial
        program = framingCase.program
        maxFrameLength = framingCase.streaming ? .max : framingCase.maxFrameLength
        closesOnOverflow = framingCase.closesOnOverflow
        streaming = framingCase.streaming
    }

    mutating func receive(_ bytes: [UInt8]) {
        guard !closed, !bytes.isEmpty else { return }
        stream += bytes
        unframedArrived = true
    }

    /// Frames what arrived so far, as the channel has by the time its loop is idle.
    mutating func catchUp() {
        if unframedArrived { frameUnframed() }
    }

    /// The terminator set from outside: the bytes received and not yet
    /// framed are framed by the new terminator at once.
    mutating func switchTerminator(to next: Terminator) {
        catchUp()
        guard !closed else { return }
        terminator = next
        frameUnframed()
    }

    /// The end of input: what the channel reported by the time it closed.
    mutating func finish() -> Outcome {
        catchUp()
        var result = outcome
        guard !closed else { return result }
        // The tail is what the default collector kept (a streaming one kept
        // nothing) and the possible partial terminator; an overlong frame
        // was reported already, so none of it is a tail.
        let tail = (streaming ? [] : current) + stream[unframedStart...]
        if !overflowed, !tail.isEmpty { result.tail = tail }
        result.collectedAfterLastFrame = overflowed ? [] : current
        return result
    }

    private mutating func frameUnframed() {
        unframedArrived = false
        let end = stream.count
        scanning: while !closed, unframedStart < end {
            switch terminator {
            case .none, .count(0), .bytes([]):
                collect(unframedStart..<end)
            case .count(let wanted):
                let taken = min(wanted, end - unframedStart)
                collect(unframedStart..<(unframedStart + taken))
                if taken == wanted {
                    terminator = .none
                    endFrame()
                } else {
                    terminator = .count(wanted - taken)
                }
            case .bytes(let sequence):
                guard let start = firstOccurrence(of: sequence, from: unframedStart) else { break scanning }
                collect(unframedStart..<start)
                unframedStart = start + sequence.count
                endFrame()
            case .crlfOrLF:
                guard let lineFeed = stream[unframedStart...].firstIndex(of: 10) else { break scanning }
                // The CR before the LF is dropped only if it is not data yet.
                collect(unframedStart..<(lineFeed > unframedStart && stream[lineFeed - 1] == 13 ? lineFeed - 1 : lineFeed))
                unframedStart = lineFeed + 1
                endFrame()
            }
        }
        guard !closed else { return }
        collect(unframedStart..<(end - partialTerminatorLength(end: end)))
    }

    /// Hands `range` to the collector (which may overflow) and marks it framed.
    private mutating func collect(_ range: Range<Int>) {
        unframedStart = max(unframedStart, range.upperBound)
        guard !range.isEmpty, !overflowed else { return }
        current += stream[range]
        guard current.count > maxFrameLength else { return }
        overflowed = true
        outcome.overflows += 1
        current = []
        if closesOnOverflow { closed = true }
    }

    private mutating func endFrame() {
        defer {
            current = []
            overflowed = false
        }
        // An overlong frame ends silently; no handler runs, so the program stays.
        guard !overflowed else { return }
        outcome.frames.append(current)
        if !program.isEmpty, let next = program[(outcome.frames.count - 1) % program.count] { terminator = next }
    }

    /// How many bytes at the end of the unframed stream may be the start of
    /// the terminator: the longest proper prefix of it that ends the stream.
    private func partialTerminatorLength(end: Int) -> Int {
        let available = end - unframedStart
        switch terminator {
        case .bytes(let sequence) where sequence.count > 1:
            for length in stride(from: min(sequence.count - 1, available), to: 0, by: -1)
            where stream[(end - length)..<end].elementsEqual(sequence.prefix(length)) {
                return length
            }
            return 0
        case .crlfOrLF:
            return available > 0 && stream[end - 1] == 13 ? 1 : 0
        default:
            return 0
        }
    }

    private func firstOccurrence(of needle: [UInt8], from start: Int) -> Int? {
        guard stream.count - start >= needle.count else { return nil }
        for index in start...(stream.count - needle.count) where stream[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
