import AsyncChat
import AsyncCore

/// A chat channel that follows a `FramingCase` and records what the framing
/// layer handed it, checking its own invariants as it goes.
final class FuzzChannel: ChatChannel {
    var streaming = false
    var program: [Terminator?] = []
    var pausesAfterEachFrame = false
    var echoes = false

    private(set) var frames: [[UInt8]] = []
    /// Every byte collected since the last frame or overflow, by either collector.
    private(set) var collectedAfterLastFrame: [UInt8] = []
    private(set) var overflows = 0
    private(set) var tails: [[UInt8]] = []
    private(set) var closeCount = 0
    /// Broken invariants, in the words of the failure message.
    private(set) var problems: [String] = []

    override func collectIncomingData(_ data: ArraySlice<UInt8>) {
        if data.isEmpty { problems.append("an empty chunk was collected") }
        collectedAfterLastFrame += data
        guard !streaming else { return }
        super.collectIncomingData(data)
        if incomingData.count > maxFrameLength {
            problems.append("the collector holds \(incomingData.count) bytes, over the limit of \(maxFrameLength)")
        }
    }

    override func foundTerminator() throws {
        var frame = collectedAfterLastFrame
        if !streaming {
            frame = takeIncomingData()
            if frame != collectedAfterLastFrame {
                problems.append("frame \(frames.count) is \(escaped(frame)) but \(escaped(collectedAfterLastFrame)) was collected")
            }
        }
        collectedAfterLastFrame = []
        if echoes {
            // Two pushes: the second lands behind the first in the gathered replies.
            push(frame)
            push([0xFF])
        }
        if !program.isEmpty, let next = program[frames.count % program.count] { terminator = next }
        frames.append(frame)
        if pausesAfterEachFrame {
            pauseReading()
            unsettled += 1
            loop.schedule(after: .zero) { [weak self] in
                self?.resumeReading()
                self?.settlesAfterNextPass()
            }
        }
    }

    /// Work the channel has deferred, such as delivering held input, that
    /// the harness must wait for: the loop's deferred work is not visible.
    private(set) var unsettled = 0

    /// Counts the work deferred so far as done once the loop's next pass
    /// has run it: a marker deferred now runs right after it.
    func settlesAfterNextPass() {
        loop.deferUntilNextPass { [self] in unsettled -= 1 }
    }

    /// The caller deferred work (by setting the terminator, say); see ``unsettled``.
    func expectDeferredWork() {
        unsettled += 1
        settlesAfterNextPass()
    }

    override func handleFrameOverflow(length: Int) {
        if length <= maxFrameLength { problems.append("an overflow reported at \(length) bytes, within the limit of \(maxFrameLength)") }
        overflows += 1
        collectedAfterLastFrame = []
    }

    override func handleUnterminatedInput(_ tail: [UInt8]) {
        tails.append(tail)
    }

    override func handleError(_ error: any Error) {
        problems.append("handleError: \(error)")
        super.handleError(error)
    }

    override func handleClose() {
        closeCount += 1
        super.handleClose()
    }

    /// The outcome in the model's terms; a problem if it cannot be put so.
    func outcome() -> FramingModel.Outcome {
        if tails.count > 1 { problems.append("\(tails.count) unterminated tails reported") }
        return FramingModel.Outcome(frames: frames, overflows: overflows, tail: tails.first, collectedAfterLastFrame: collectedAfterLastFrame)
    }
}
