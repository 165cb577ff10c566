import AsyncChat
import AsyncCore
import ProtocolTesting
import Testing

final class LineEcho: ChatChannel {
    override func foundTerminator() throws {
        let line = takeIncomingData()
        if line == Array("QUIT".utf8) {
            push("bye\r\n")
            closeWhenDone()
        } else {
            push(line)
            push("\r\n")
        }
    }
}

let echo = ServerUnderTest.inProcess { socket, loop in try LineEcho(socket: socket, loop: loop) }

@Test func echoesLinesUnderEveryChunking() throws {
    let dialogue = try Dialogue(transcript: """
        # C: the client sends a line; S: the server must send exactly this line
        C: hello
        S: hello
        C: one
        C: two
        S: one
        S: two
        C: QUIT
        S: bye
        S=
        """, name: "echo.txt")
    // Whole, one byte per write, and split before every byte: a fresh server each run.
    try dialogue.run(against: echo, chunking: .all())
}

@Test func twoClients() async throws {
    let alice = Client("alice"), bob = Client("bob")
    let dialogue = Dialogue {
        alice.send("hi")
        bob.send(bytes: Array("raw\r\n".utf8))
        bob.expect("raw")
        alice.expect(matching: /h./)
    }
    try await dialogue.run(against: echo)     // on its own thread: the pool is never blocked
}
