import AsyncCore
import AsyncChat
import ProtocolTesting
import Synchronization
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
        // Each run stays connected for a second of silence on a thread of its
        // own. Had the runs held the cooperative pool (two threads here), at
        // most two connections could ever be open at once.
        let dialogue = try Dialogue(transcript: "C: hi\nS: echo: hi\nS- 1s\n", name: "quiet.txt")
        let connections = ConnectionCount()
        let server = ServerUnderTest.inProcess { socket, loop in
            try CountedLineEcho(socket: socket, loop: loop, count: connections)
        }
        try await withThrowingTaskGroup(of: DialogueReport.self) { group in
            for _ in 0..<8 { group.addTask { try await dialogue.run(against: server) } }
            try await group.waitForAll()
        }
        #expect(connections.mostAtOnce.load(ordering: .relaxed) > 2)
    }
}

/// How many connections were open at once, at the most.
private final class ConnectionCount: Sendable {
    let open = Atomic<Int>(0)
    let mostAtOnce = Atomic<Int>(0)

    func opened() {
        let now = open.add(1, ordering: .relaxed).newValue
        _ = mostAtOnce.max(now, ordering: .relaxed)
    }

    func closed() {
        open.subtract(1, ordering: .relaxed)
    }
}

/// A line echo that tells a ``ConnectionCount`` when it opens and closes.
private final class CountedLineEcho: ChatChannel {
    private let count: ConnectionCount

    init(socket: Socket, loop: EventLoop, count: ConnectionCount) throws(SystemError) {
        self.count = count
        try super.init(socket: socket, loop: loop)
        count.opened()
    }

    override func foundTerminator() throws {
        push("echo: ")
        push(takeIncomingData())
        push("\r\n")
    }

    override func close() {
        if isOpen { count.closed() }
        super.close()
    }
}
