import AsyncChat

/// The terminator a stream starts with, and the ones a handler switches to
/// after each frame (cycling; nil leaves the terminator as it is); the frame
/// limit; and whether the handler pauses after each frame (a timer resumes).
struct TerminatorProgram: CustomStringConvertible {
    var initial: Terminator
    var afterFrame: [Terminator?] = []
    var maxFrameLength = 65536
    var pausesAfterEachFrame = false

    func next(afterFrame index: Int) -> Terminator? {
        afterFrame.isEmpty ? nil : afterFrame[index % afterFrame.count]
    }

    /// Sets `channel` up to follow this program.
    func install(on channel: RecordingChannel) {
        channel.terminator = initial
        channel.maxFrameLength = maxFrameLength
        let pauses = pausesAfterEachFrame
        channel.onFrame = { channel, _ in
            if let next = next(afterFrame: channel.frames.count) { channel.terminator = next }
            if pauses {
                channel.pauseReading()
                channel.loop.schedule(after: .zero) { channel.resumeReading() }
            }
        }
    }

    var description: String {
        "start \(initial), then \(afterFrame.map { $0.map(\.description) ?? "keep" }), "
            + "max \(maxFrameLength)\(pausesAfterEachFrame ? ", pausing" : "")"
    }
}

/// asynchat's framing semantics stated over the whole stream at once, with
/// no reads, buffers or partial terminators: the model the channel must
/// agree with however the stream is cut.
enum ReferenceFramer {
    static func frame(_ stream: [UInt8], program: TerminatorProgram) -> FramingOutcome {
        var terminator = program.initial
        var frames: [[UInt8]] = []
        var overflows = 0
        var current: [UInt8] = []
        var position = 0

        // An overlong frame is reported and dropped; no handler runs, so the
        // program does not move on.
        func end(_ frame: [UInt8]) {
            current = []
            if frame.count > program.maxFrameLength {
                overflows += 1
                return
            }
            frames.append(frame)
            if let next = program.next(afterFrame: frames.count - 1) { terminator = next }
        }

        while position < stream.count {
            let rest = stream[position...]
            switch terminator {
            case .none, .count(0), .bytes([]):
                current += rest
                position = stream.count
            case .count(let wanted):
                let taken = min(wanted, rest.count)
                current += rest.prefix(taken)
                position += taken
                if taken == wanted {
                    terminator = .none
                    end(current)
                } else {
                    terminator = .count(wanted - taken)
                }
            case .bytes(let sequence):
                guard let start = firstOccurrence(of: sequence, in: rest) else {
                    current += rest
                    position = stream.count
                    break
                }
                current += stream[position..<start]
                position = start + sequence.count
                end(current)
            case .crlfOrLF:
                guard let lineFeed = rest.firstIndex(of: 10) else {
                    current += rest
                    position = stream.count
                    break
                }
                current += stream[position..<lineFeed]
                if current.last == 13 { current.removeLast() }
                position = lineFeed + 1
                end(current)
            }
        }
        // At the end, a possible partial terminator is not part of the frame
        // yet: only the rest counts against the limit.
        var held = 0
        switch terminator {
        case .bytes(let sequence) where !sequence.isEmpty:
            held = (0..<min(sequence.count, current.count + 1)).last { current.suffix($0).elementsEqual(sequence.prefix($0)) } ?? 0
        case .crlfOrLF:
            held = current.last == 13 ? 1 : 0
        default:
            break
        }
        if current.count - held > program.maxFrameLength {
            return FramingOutcome(frames: frames, tails: [], overflows: overflows + 1)
        }
        return FramingOutcome(frames: frames, tails: current.isEmpty ? [] : [current], overflows: overflows)
    }

    private static func firstOccurrence(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in haystack.startIndex...(haystack.endIndex - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
