import ProtocolTesting
import Testing

/// In-process servers live in virtual time: their timers fire when a step
/// advances the clock, never while the test sleeps (it does not).
@Suite struct VirtualTimeTests {
    @Test func advancingTheClockFiresAnIdleTimeout() throws {
        let dialogue = try Dialogue(transcript: """
            C: hello
            S: echo: hello
            T+ 299s
            S- 20ms
            T+ 1s
            S: timeout
            S=
            """, name: "idle.txt")
        try dialogue.run(against: LineEcho.server(idleTimeout: .seconds(300)), chunking: .all())
    }

    @Test func inputPushesTheTimeoutBack() throws {
        let dialogue = try Dialogue(transcript: """
            T+ 200s
            C: still here
            S: echo: still here
            T+ 200s
            S- 10ms
            T+ 100s
            S: timeout
            S=
            """, name: "activity.txt")
        try dialogue.run(against: LineEcho.server(idleTimeout: .seconds(300)))
    }

    @Test func realTimeDoesNotMoveTheServersClock() throws {
        let dialogue = try Dialogue(transcript: "T: 60ms\nC: hi\nS: echo: hi\n", name: "real-time.txt")
        try dialogue.run(against: LineEcho.server(idleTimeout: .milliseconds(10)))
    }

    @Test func virtualTimeIsRefusedOverTCP() throws {
        let dialogue = try Dialogue(transcript: "C: hi\nT+ 5s\n", name: "tcp.txt")
        let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: .tcp(host: "127.0.0.1", port: 9)) }
        #expect(report?.kind == .unsupported)
        #expect(report?.location == StepLocation(file: "tcp.txt", line: 2))
        #expect(report?.received == "uses virtual time (T+), which needs an in-process server; the server at 127.0.0.1:9 keeps its own time")
    }
}
