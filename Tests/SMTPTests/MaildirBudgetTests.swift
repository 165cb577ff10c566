import AsyncCore
@testable import SMTP
import TestSupport
import Testing

/// The writers' budget: content pieces past the high mark are answered only
/// once the writers bring the bytes in flight down to the low mark, so a
/// slow disk pauses sessions instead of growing memory.
@Suite struct MaildirBudgetTests {
    @Test func answersPastTheHighMarkWaitForTheLowMark() throws {
        let loop = try EventLoop()
        var answered: [UInt64] = []
        let delivery = LoopCallback<SMTPAnswerEvent>(loop: loop) { answered.append($0.sequence) }
        /// An answer whose hook has returned: it reaches the loop when given.
        func pending(_ sequence: UInt64) -> SMTPAnswer {
            let answer = SMTPAnswer(sequence: sequence, delivery: delivery)
            #expect(answer.takeEarlyDecision() == nil)
            return answer
        }
        let budget = MaildirBudget(high: 100)
        let first = pending(1), second = pending(2), third = pending(3)
        budget.charge(60, answer: first)
        budget.charge(60, answer: second)
        budget.charge(10, answer: third)
        try loop.run(until: { answered == [1] })
        budget.release(60)
        // 70 in flight: above the low mark of 50, the two still wait.
        try loop.runPass(timeout: .zero)
        #expect(answered == [1])
        budget.release(30)
        try loop.run(until: { answered == [1, 2, 3] })
    }
}
