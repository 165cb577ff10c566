/// The frame the default collector keeps, and how input ends.
extension ChatChannel {
    /// The bytes the default collector kept for the current frame.
    public var incomingData: ArraySlice<UInt8> { input.frame.bytes }

    /// Takes the current frame's bytes, leaving the collector empty.
    public func takeIncomingData() -> [UInt8] {
        defer { clearFrame() }
        return Array(input.frame.bytes)
    }

    /// Takes the current frame as text, or nil when it is not valid UTF-8.
    public func takeIncomingText() -> String? {
        defer { clearFrame() }
        return String(validating: input.frame.bytes, as: UTF8.self)
    }

    func clearFrame() {
        if case .discarding = input.frame { return }
        input.frame = .empty
    }

    func overflowFrame(length: Int) {
        input.frame = .discarding(next: nil)
        handleFrameOverflow(length: length)
        if frameOverflowPolicy == .close { closeWhenDone() }
    }

    func finishInput() {
        guard input.phase == .peerFinished, !isInputHeld else { return }
        input.phase = .finished
        // An overlong frame was reported already: none of it is a tail, not
        // even a partial terminator held back after it.
        var tail: [UInt8] = []
        if case .discarding = input.frame {} else {
            tail = Array(input.frame.bytes)
            tail.append(contentsOf: input.unframed)
        }
        input.frame = .empty
        input.unframed = []
        if !tail.isEmpty { handleUnterminatedInput(tail) }
        closeWhenDone()
    }
}
