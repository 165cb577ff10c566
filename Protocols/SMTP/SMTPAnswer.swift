import AsyncCore
import Synchronization

/// The reply a hook owes the client: call it with a decision once, during
/// the hook or later, from any thread.
///
/// ```swift
/// func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
///     directory.lookUp(address) { found in              // on the directory's own thread
///         answer(found ? .accept : .reply(SMTPReply(550, "No such user here")))
///     }
/// }
/// ```
/// While an answer is outstanding the session reads no further command
/// (pipelined commands wait in order) and the loop serves other sessions.
/// An answer given during the hook is applied at once; a later one reaches
/// the loop's thread on its next pass. Only the first call counts. An answer
/// dropped without being called is answered `451` for the handler, so a
/// session never waits for ever; an idle timeout still ends a session whose
/// handler never answers.
public final class SMTPAnswer: Sendable {
    private enum State {
        /// The hook is running and has not answered.
        case open
        /// The hook answered before it returned.
        case early(SMTPDecision)
        /// The hook returned without answering: the answer goes to the loop.
        case late
        case answered
    }

    private let state: Mutex<(State, sequence: UInt64)>
    private let delivery: LoopCallback<SMTPAnswerEvent>

    /// The session's loop, as a task executor: an answer worked out in a
    /// task can be worked out there (`Task(executorPreference: answer.executor)`)
    /// and so never waits for Swift's shared thread pool.
    public var executor: LoopExecutor { delivery.executor }

    init(sequence: UInt64, delivery: LoopCallback<SMTPAnswerEvent>) {
        state = Mutex((.open, sequence))
        self.delivery = delivery
    }

    deinit {
        let unanswered = state.withLock { state -> UInt64? in
            switch state.0 {
            case .open, .late: return state.sequence
            case .early, .answered: return nil
            }
        }
        if let sequence = unanswered { delivery(SMTPAnswerEvent(sequence: sequence, decision: .reply(.noAnswer))) }
    }

    /// Readies an answer that was given early, and that nobody else holds,
    /// for the next hook: one allocation less per hook.
    func reuse(sequence: UInt64) {
        state.withLock { $0 = (.open, sequence) }
    }

    /// Answers the hook. Later calls are ignored.
    public func callAsFunction(_ decision: SMTPDecision) {
        let late = state.withLock { state -> UInt64? in
            switch state.0 {
            case .open:
                state.0 = .early(decision)
                return nil
            case .late:
                state.0 = .answered
                return state.sequence
            case .early, .answered:
                return nil
            }
        }
        if let sequence = late { delivery(SMTPAnswerEvent(sequence: sequence, decision: decision)) }
    }

    /// Called once the hook has returned: the decision it gave meanwhile, or
    /// nil when it is still to come (through the loop).
    func takeEarlyDecision() -> SMTPDecision? {
        state.withLock { state in
            guard case .early(let decision) = state.0 else {
                state.0 = .late
                return nil
            }
            state.0 = .answered
            return decision
        }
    }
}

/// A late answer on its way to the loop: which hook call, and the decision.
struct SMTPAnswerEvent: Sendable {
    let sequence: UInt64
    let decision: SMTPDecision
}
