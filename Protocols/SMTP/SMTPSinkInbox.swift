import Dispatch
import Synchronization

/// The messages an ``SMTPSink`` accepted: kept on the loop's thread, taken
/// by tests on theirs, each once, in order. A waiting task is handed the
/// next message as it arrives; a blocked thread is woken to take it.
final class SMTPSinkInbox: Sendable {
    private struct State {
        var all: [SMTPMessage] = []
        /// How many of `all` were taken.
        var taken = 0
        /// Tasks waiting for a message, oldest first.
        var waiters: [(id: UInt64, continuation: CheckedContinuation<SMTPMessage, any Error>)] = []
        var lastWaiterID: UInt64 = 0
        /// Waits ended (timed out, cancelled) before they were registered.
        var endedEarly: [UInt64: any Error] = [:]
    }

    private let state = Mutex(State())
    /// Signalled for each message no waiting task took.
    private let arrived = DispatchSemaphore(value: 0)

    var all: [SMTPMessage] { state.withLock { $0.all } }

    /// Called on the loop's thread for each message accepted.
    func keep(_ message: SMTPMessage) {
        let waiter = state.withLock { state -> CheckedContinuation<SMTPMessage, any Error>? in
            state.all.append(message)
            guard !state.waiters.isEmpty else { return nil }
            state.taken += 1
            return state.waiters.removeFirst().continuation
        }
        if let waiter {
            waiter.resume(returning: message)
        } else {
            arrived.signal()
        }
    }

    func next(within limit: Duration) async throws -> SMTPMessage {
        let id = state.withLock { state -> UInt64 in
            state.lastWaiterID += 1
            return state.lastWaiterID
        }
        let timeout = Task { [weak self] in
            try await Task.sleep(for: limit)
            self?.giveUp(id, with: SMTPSinkError.noMessage(within: limit))
        }
        defer {
            timeout.cancel()
            state.withLock { _ = $0.endedEarly.removeValue(forKey: id) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome = state.withLock { state -> Result<SMTPMessage, any Error>? in
                    if state.taken < state.all.count {
                        state.taken += 1
                        return .success(state.all[state.taken - 1])
                    }
                    if let error = state.endedEarly.removeValue(forKey: id) { return .failure(error) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            giveUp(id, with: CancellationError())
        }
    }

    /// Ends the wait of task `id` with `error`: now if it waits, or as soon
    /// as it would start waiting (a deadline or cancellation can come first).
    private func giveUp(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<SMTPMessage, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                state.endedEarly[id] = error
                return nil
            }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(throwing: error)
    }

    func waitForNext(within limit: Duration) throws(SMTPSinkError) -> SMTPMessage {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while true {
            let message = state.withLock { state -> SMTPMessage? in
                guard state.taken < state.all.count else { return nil }
                state.taken += 1
                return state.all[state.taken - 1]
            }
            if let message { return message }
            let left = ContinuousClock.now.duration(to: deadline)
            let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
            guard nanoseconds > 0, arrived.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else {
                throw SMTPSinkError.noMessage(within: limit)
            }
        }
    }
}
