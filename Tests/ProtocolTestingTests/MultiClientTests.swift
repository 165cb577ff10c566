import ProtocolTesting
import Testing

@Suite struct MultiClientTests {
    @Test func namedClientsHaveTheirOwnConnections() throws {
        let dialogue = try Dialogue(transcript: """
            @alice C: one
            @bob   C: two
            @bob   S: echo: two
            @alice S: echo: one
            C: unnamed
            S: echo: unnamed
            """, name: "clients.txt")
        try dialogue.run(against: LineEcho.server(), chunking: .all())
    }

    @Test func aClientCanConnectAgainAfterClosing() throws {
        let alice = Client("alice")
        let dialogue = Dialogue {
            alice.send("first")
            alice.expect("echo: first")
            alice.close()
            alice.connect()
            alice.send("QUIT")
            alice.expect("bye")
            alice.expectClose()
        }
        try dialogue.run(against: LineEcho.server())
    }

    @Test func anyOrderAcceptsAPermutation() throws {
        let dialogue = try Dialogue(transcript: "{\nS~ [ab]+\nS: b\nS: c\n}\n", name: "any.txt")
        try dialogue.run(against: Announcer.server("c\r\nb\r\naa\r\n"))
        try dialogue.run(against: Announcer.server("aa\r\nb\r\nc\r\n"))
    }

    @Test func skippingLinesStopsAtTheFirstMatch() throws {
        let dialogue = try Dialogue(transcript: "S* ^250 \nS: after\n", name: "skip.txt")
        try dialogue.run(against: Announcer.server("250-a\r\n250-b\r\n250 \r\nafter\r\n"))
    }

    @Test func halfClosingLetsTheServerFinishItsReplies() throws {
        let dialogue = try Dialogue(transcript: "C: last words\nC-\nS: echo: last words\nS=\n", name: "half-close.txt")
        try dialogue.run(against: LineEcho.server(), chunking: .all())
    }
}
