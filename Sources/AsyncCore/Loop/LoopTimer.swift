/// A one-shot timer on an ``EventLoop``, returned by
/// ``EventLoop/schedule(after:_:)``; cancel it to keep it from firing.
///
/// ```swift
/// let timeout = loop.schedule(after: .seconds(30)) { channel.close() }
/// // ... the reply arrived in time:
/// timeout.cancel()
/// ```
public final class LoopTimer {
    /// When the timer fires (or would have, if cancelled).
    public internal(set) var deadline: LoopInstant
    let sequence: UInt64
    var action: (() -> Void)?
    /// The position in the loop's timer heap; -1 when not scheduled.
    var heapIndex = -1
    private weak var loop: EventLoop?

    init(deadline: LoopInstant, sequence: UInt64, loop: EventLoop, action: @escaping () -> Void) {
        self.deadline = deadline
        self.sequence = sequence
        self.loop = loop
        self.action = action
    }

    /// True until the timer fires or is cancelled.
    public var isScheduled: Bool { heapIndex >= 0 }

    /// Keeps the timer from firing. Cancelling a fired or cancelled timer does nothing.
    public func cancel() {
        if isScheduled { loop?.timers.remove(self) }
        action = nil
    }

    func precedes(_ other: LoopTimer) -> Bool {
        deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
    }
}
