import ProtocolTesting
import Testing
import XCTest

/// The kit imports neither test framework; these show both using it, from
/// synchronous and asynchronous tests.
final class XCTestUsageTests: XCTestCase {
    private let dialogue = Dialogue("greeting") {
        Client().send("hello")
        Client().expect("echo: hello")
    }

    func testASynchronousTestRunsADialogue() throws {
        try dialogue.run(against: LineEcho.server(), chunking: .all())
    }

    func testAnAsynchronousTestAwaitsADialogue() async throws {
        let report = try await dialogue.run(against: LineEcho.server(), chunking: .all())
        XCTAssertEqual(report.runs, 2 + 6)
    }

    func testAFailureIsThrownWithItsReport() {
        let wrong = Dialogue("wrong") {
            Client().send("hello")
            Client().expect("echo: goodbye")
        }
        XCTAssertThrowsError(try wrong.run(against: LineEcho.server())) { error in
            XCTAssertEqual((error as? DialogueFailure)?.received, "S: echo: hello")
        }
    }
}

@Suite struct SwiftTestingUsageTests {
    @Test func anAsynchronousTestAwaitsADialogue() async throws {
        let dialogue = try Dialogue(contentsOfFile: "Transcripts/line-echo.txt", relativeTo: #filePath)
        try await dialogue.run(against: LineEcho.server(), chunking: .all())
    }

    @Test func manyAsynchronousRunsDoNotHoldThePool() async throws {
        // Each run waits 150 ms for silence on its own thread; on the
        // cooperative pool (two threads here) eight would take twice as long or more.
        let dialogue = try Dialogue(transcript: "C: hi\nS: echo: hi\nS- 150ms\n", name: "quiet.txt")
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: DialogueReport.self) { group in
            for _ in 0..<8 { group.addTask { try await dialogue.run(against: LineEcho.server()) } }
            try await group.waitForAll()
        }
        #expect(clock.now - start < .seconds(8))
    }
}
