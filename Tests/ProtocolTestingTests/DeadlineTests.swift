import ProtocolTesting
import Testing

/// A mock that hangs instead of failing costs more than no mock: every wait
/// of the kit ends by its deadline.
@Suite struct DeadlineTests {
    private func elapsed(_ body: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return clock.now - start
    }

    @Test func aSilentServerFailsByTheDeadlineInsteadOfHanging() throws {
        let dialogue = try Dialogue(transcript: "!deadline 150ms\nC: hello\nS: hi\n", name: "hang.txt")
        let time = elapsed {
            let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: Unresponsive.server()) }
            #expect(report?.kind == .deadlineExceeded)
        }
        #expect(time >= .milliseconds(150))
        #expect(time < .seconds(10))
    }

    @Test func theDeadlineArgumentAppliesWhereTheScriptSetsNone() throws {
        let dialogue = try Dialogue(transcript: "S: hi\n", name: "hang.txt")
        let report = #expect(throws: DialogueFailure.self) {
            try dialogue.run(against: Unresponsive.server(), deadline: .milliseconds(120))
        }
        #expect(report?.received == "nothing within 120ms")
    }

    @Test func aServerThatNeverReadsFailsTheSendByTheDeadline() {
        let client = Client()
        let dialogue = Dialogue("flood") {
            DialogueStep.deadline(.milliseconds(150))
            client.send(bytes: [UInt8](repeating: 65, count: 1 << 20))
        }
        let report = #expect(throws: DialogueFailure.self) {
            try dialogue.run(against: Unresponsive.server(socketBufferSize: 4096))
        }
        #expect(report?.kind == .sendFailed)
        #expect(report?.received.hasPrefix("the server read nothing for 150ms; ") == true)
        #expect(report?.received.hasSuffix(" of 1048576 bytes unsent") == true)
    }

    @Test func skippingToACloseThatNeverComesFailsByTheDeadline() throws {
        let dialogue = try Dialogue(transcript: "!deadline 100ms\nS*\n", name: "skip.txt")
        let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: Announcer.server("a\r\nb\r\n")) }
        #expect(report?.received == "no close within 100ms (after skipping 6 bytes)")
    }

    @Test func cancellingTheAwaitingTaskEndsAnAsyncRun() async throws {
        // Were cancellation ignored, the run would end at its deadline as a
        // timeout, not as a cancellation.
        let dialogue = try Dialogue(transcript: "!deadline 30s\nS: never\n", name: "cancel.txt")
        let task = Task { try await dialogue.run(against: Unresponsive.server()) }
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error) = outcome, let failure = error as? DialogueFailure else {
            Issue.record("expected a DialogueFailure, got \(outcome)")
            return
        }
        #expect(failure.kind == .cancelled)
        #expect(failure.received == "the task running the dialogue was cancelled")
    }
}
