import Synchronization

/// The bytes handed to the writers and not yet written, across all
/// sessions: above the high mark a session's next content piece is answered
/// only once the writers bring it down to the low mark, so a slow disk
/// pauses the sessions' reading instead of growing memory.
final class MaildirBudget: Sendable {
    private struct State {
        var inFlight = 0
        var waiting: [SMTPAnswer] = []
    }

    private let state = Mutex(State())
    private let high: Int
    private let low: Int

    init(high: Int) {
        self.high = high
        low = high / 2
    }

    /// `count` bytes were handed over; `answer` is given now, or when the
    /// writers have caught up.
    func charge(_ count: Int, answer: SMTPAnswer?) {
        let now = state.withLock { state -> Bool in
            state.inFlight += count
            guard state.inFlight > high, let answer else { return true }
            state.waiting.append(answer)
            return false
        }
        if now { answer?(.accept) }
    }

    /// `count` bytes were written (or dropped).
    func release(_ count: Int) {
        let ready = state.withLock { state -> [SMTPAnswer] in
            state.inFlight -= count
            guard state.inFlight <= low, !state.waiting.isEmpty else { return [] }
            defer { state.waiting = [] }
            return state.waiting
        }
        for answer in ready { answer(.accept) }
    }
}
