import AsyncChat
import AsyncCore

/// A chat channel that records every hook the layer calls, in order, and
/// lets a test script what happens at each frame.
final class RecordingChannel: ChatChannel {
    /// Complete frames, taken with `takeIncomingData()` after `onFrame` ran.
    var frames: [[UInt8]] = []
    /// Every chunk handed to `collectIncomingData`, in order.
    var collected: [[UInt8]] = []
    var overflowLengths: [Int] = []
    var unterminatedTails: [[UInt8]] = []
    var writabilityChanges: [Bool] = []
    var errors: [String] = []
    var closeCount = 0
    var idleTimeoutCount = 0
    var outputOverflowCount = 0
    /// The most bytes the default collector held at once.
    var mostIncomingHeld = 0
    /// The hooks in call order: "frame", "overflow", "tail", "idle", "close", ...
    var journal: [String] = []

    /// Runs inside `foundTerminator` before the frame is taken: it may read
    /// `incomingData`, push, switch the terminator, pause, close...
    var onFrame: ((RecordingChannel, [UInt8]) throws -> Void)?
    /// Replaces the default idle-timeout behaviour when set.
    var onIdleTimeout: ((RecordingChannel) throws -> Void)?
    /// Replaces the default output-overflow behaviour (close) when set.
    var onOutputOverflow: ((RecordingChannel) -> Void)?
    var onWritabilityChange: ((RecordingChannel, Bool) -> Void)?
    /// Runs inside `handleFrameOverflow`: it may switch the terminator, push...
    var onOverflow: ((RecordingChannel) -> Void)?

    override func collectIncomingData(_ data: ArraySlice<UInt8>) {
        collected.append(Array(data))
        super.collectIncomingData(data)
        mostIncomingHeld = max(mostIncomingHeld, incomingData.count)
    }

    override func foundTerminator() throws {
        journal.append("frame")
        let frame = Array(incomingData)
        try onFrame?(self, frame)
        frames.append(takeIncomingData())
    }

    override func handleFrameOverflow(length: Int) {
        journal.append("overflow")
        overflowLengths.append(length)
        onOverflow?(self)
    }

    override func handleUnterminatedInput(_ tail: [UInt8]) {
        journal.append("tail")
        unterminatedTails.append(tail)
    }

    override func handleWritabilityChange(isWritable: Bool) {
        writabilityChanges.append(isWritable)
        onWritabilityChange?(self, isWritable)
    }

    override func handleIdleTimeout() throws {
        journal.append("idle")
        idleTimeoutCount += 1
        if let onIdleTimeout { try onIdleTimeout(self) } else { try super.handleIdleTimeout() }
    }

    override func handleOutputOverflow() {
        journal.append("output overflow")
        outputOverflowCount += 1
        if let onOutputOverflow { onOutputOverflow(self) } else { super.handleOutputOverflow() }
    }

    override func handleError(_ error: any Error) {
        journal.append("error")
        errors.append("\(error)")
        super.handleError(error)
    }

    override func handleClose() {
        journal.append("close")
        closeCount += 1
        super.handleClose()
    }

    /// The collector was never handed an empty chunk.
    var collectedNoEmptyChunk: Bool { !collected.contains { $0.isEmpty } }
}

/// The UTF-8 bytes of `text`; short for tests full of byte literals.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
