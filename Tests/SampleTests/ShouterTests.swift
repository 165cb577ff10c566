import AsyncCore
import ProtocolTesting
import Testing

/// The README's chat-layer sample does what its text says.
@Suite("README: a line protocol on the chat layer")
struct ShouterTests {
    static let shouter = ServerUnderTest.inProcess { socket, loop in try Shouter(socket: socket, loop: loop) }

    @Test func shoutsAnswersBadTextAndSaysByeBeforeClosing() throws {
        let dialogue = try Dialogue(transcript: """
            C: hello
            S: HELLO
            C< caf\\xc3\\xa9 \\xff\\r\\n
            S: not UTF-8
            C: ok
            C: QUIT
            S: OK
            S: bye
            S=
            """, name: "shouter.txt")
        try dialogue.run(against: Self.shouter, chunking: .all())
    }
}
