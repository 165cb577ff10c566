import ProtocolTesting
import Testing
import XCTest

@Test func greetingFromAnAsyncTest() async throws {
    try await Dialogue(contentsOfFile: "Transcripts/greeting.txt", relativeTo: #filePath).run(against: chat)
}

final class AsyncGreetingXCTests: XCTestCase {
    func testGreeting() async throws {
        try await Dialogue(contentsOfFile: "Transcripts/greeting.txt", relativeTo: #filePath).run(against: chat)
    }
}
