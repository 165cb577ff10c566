import ProtocolTesting
import XCTest

final class GreetingXCTests: XCTestCase {
    func testGreeting() throws {
        try Dialogue(contentsOfFile: "Transcripts/greeting.txt", relativeTo: #filePath).run(against: chat)
    }

    func testAWrongExpectationFails() {
        let wrong = Dialogue {
            Client().expect("*** Welcome to the chat")     // the line goes on: " room"
        }
        XCTAssertThrowsError(try wrong.run(against: chat)) { error in
            XCTAssertEqual((error as? DialogueFailure)?.kind, .unexpectedOutput)
        }
    }
}
