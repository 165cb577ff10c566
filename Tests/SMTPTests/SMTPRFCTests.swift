import ProtocolTesting
import SMTP
import Testing

/// Cases beyond test_smtpd: RFC 5321 behaviour, the smtpd bugs this port
/// fixes (W-9 … W-12, W-17, W-18), limits and time-outs. The cases are
/// transcripts in `Transcripts/rfc/`, one file per server configuration;
/// those whose bytes are computed (long lines, size limits) are built in Swift.
@Suite struct SMTPRFCTests {
    static let smtpd = SMTPTestServer(configuration: .testing())

    static let ehlo = ["SIZE 33554432", "8BITMIME", "PIPELINING", "HELP"]

    @Test func replies() throws {
        try Self.smtpd.run(transcript("rfc/replies.txt").sessions, delivering: [])
    }

    @Test func quitInAPipeline() throws {
        try Self.smtpd.run(transcript("rfc/quit-in-pipeline.txt").sessions, delivering: [])
    }

    /// What `rfc/data.txt` delivers, session by session.
    static let contentDeliveries: [Delivery] = {
        func message(from: String = "a@example.com", to recipients: [String] = ["b@example.com"], _ data: String) -> Delivery {
            Delivery(helo: "client.test", from: from, to: recipients, data: data.utf8)
        }
        return [
            // an empty message (W-17)
            message(""),
            // QUIT in the middle of a transaction: the message before it
            message(""),
            // pipelining
            message(from: "a@b", to: ["c@d", "e@f"], "Subject: one\r\n\r\nbody\r\n"),
            message(from: "g@h", to: ["i@j"], "two\r\n"),
            // smuggling: every sequence but CRLF.CRLF stays in the content
            message("one\n.\nMAIL FROM:<evil@x>\ntwo\r.\rRCPT TO:<evil@y>\rthree\n.\r\nDATA\r\nfour\r\n\nQUIT\r\n"),
            // transparency
            message("a\r\n.\r\n..\r\nx.\r\n \r\n\r\n"),
            // the null sender
            message(from: "", to: ["c@d"], ""),
            // and nothing from the client that left mid-DATA
        ]
    }()

    @Test func messageContent() throws {
        try Self.smtpd.run(transcript("rfc/data.txt").sessions, delivering: Self.contentDeliveries)
    }

    @Test func idleTimeouts() throws {
        try Self.smtpd.run(transcript("rfc/timeouts.txt").sessions, delivering: [])
    }

    @Test func recipientLimit() throws {
        let limited = SMTPTestServer(configuration: .testing { $0.maxRecipients = 2 })
        try limited.run(transcript("rfc/recipient-limit-2.txt").sessions, delivering: [])
    }

    @Test func errorBudget() throws {
        let strict = SMTPTestServer(configuration: .testing { $0.maxErrors = 3 })
        try strict.run(transcript("rfc/error-budget-3.txt").sessions, delivering: [])
    }

    @Test func handlerReplies() throws {
        // The handler is handed both messages; its refusals are the replies.
        var server = Self.smtpd
        server.reply = { message in
            message.recipients.contains("full@b") ? SMTPReply(452, "Error: mailbox full") : SMTPReply(554, "Error: no\r\nthanks")
        }
        try server.run(transcript("rfc/handler-replies.txt").sessions, delivering: [
            Delivery(helo: "client.test", from: "a@b", to: ["full@b"], data: []),
            Delivery(helo: "client.test", from: "a@b", to: ["other@b"], data: []),
        ])
    }

    @Test func decodeDataRefusesInvalidUTF8Bodies() throws {
        let decoding = SMTPTestServer(configuration: .testing { $0.decodeData = true })
        try decoding.run(transcript("rfc/decode-data-invalid-utf8.txt").sessions, delivering: [])
    }

    // MARK: Computed bytes

    @Test func commandLinesOf512BytesAreAcceptedAnd513Refused() throws {
        let client = Client()
        try Self.smtpd.run(Dialogue("command line of 512 bytes is accepted, 513 refused") {
            client.expectGreeting()
            client.command(
                "VRFY \(String(repeating: "a", count: 507))", "252 Cannot VRFY user, but will accept message and attempt delivery")
            client.command("VRFY \(String(repeating: "a", count: 508))", "500 Error: line too long")
        }, delivering: [])
    }

    @Test func rcptIsNotGivenTheMAILAllowance() throws {
        let client = Client()
        try Self.smtpd.run(Dialogue("RCPT is not given the MAIL allowance") {
            client.expectGreeting()
            client.ehlo("client.test", extensions: Self.ehlo)
            client.command("MAIL FROM:<a@b>", "250 OK")
            client.command("RCPT TO:<\(String(repeating: "a", count: 510))@b>", "500 Error: line too long")
        }, delivering: [])
    }

    static let limit32 = SMTPTestServer(configuration: .testing { $0.maxMessageSize = 32 })

    /// EHLO, MAIL, RCPT and DATA against a server with a size limit of 32.
    static func envelope32(_ client: Client) -> [DialogueStep] {
        [client.expectGreeting()]
            + client.ehlo("client.test", extensions: ["SIZE 32", "8BITMIME", "PIPELINING", "HELP"])
            + client.command("MAIL FROM:<a@b>", "250 OK")
            + client.command("RCPT TO:<c@d>", "250 OK")
            + client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
    }

    @Test func oversizedMessageLeavesAUsableSession() throws {
        // W-9: after 552 the session is in command state with no envelope.
        let client = Client()
        let fits = String(repeating: "y", count: 32)
        try Self.limit32.run(Dialogue("552 then a usable session") {
            Self.envelope32(client)
            client.send(String(repeating: "x", count: 40))
            client.command(".", "552 Error: Too much mail data")
            client.command("RCPT TO:<c@d>", "503 Error: need MAIL command")
            client.command("MAIL FROM:<a@b>", "250 OK")
            client.command("RCPT TO:<c@d>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send(fits)
            client.command(".", "250 OK")
        }, delivering: [Delivery(helo: "client.test", from: "a@b", to: ["c@d"], data: (fits + "\r\n").utf8)])
    }

    @Test(arguments: [
        (String(repeating: "x", count: 32), true),
        (String(repeating: "x", count: 33), false),
        (String(repeating: "x", count: 15) + "\r\n" + String(repeating: "x", count: 15), true),
        (String(repeating: "x", count: 16) + "\r\n" + String(repeating: "x", count: 15), false),
    ])
    func sizeLimitCountsLikeSmtpd(content: String, fits: Bool) throws {
        // Exactly the limit fits; 33 bytes, or two lines of 16 and 15 bytes and their CRLF, do not.
        let client = Client()
        try Self.limit32.run(Dialogue("size limit, \(content.utf8.count) bytes") {
            Self.envelope32(client)
            client.send(content)
            client.command(".", fits ? "250 OK" : "552 Error: Too much mail data")
        }, delivering: fits ? [Delivery(helo: "client.test", from: "a@b", to: ["c@d"], data: (content + "\r\n").utf8)] : [])
    }

    @Test func longDataLinesAreKept() throws {
        // DATA lines have no length limit but the message size. A long
        // script: whole and a few random cuts.
        let client = Client()
        let line = String(repeating: "z", count: 100_000)
        try Self.smtpd.run(Dialogue("long line") {
            client.expectGreeting()
            client.ehlo("client.test", extensions: Self.ehlo)
            client.command("MAIL FROM:<a@example.com>", "250 OK")
            client.command("RCPT TO:<b@example.com>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send(line)
            client.command(".", "250 OK")
        }, chunking: .only(.whole, .random(seed: 1), .random(seed: 2), .random(seed: 3)), delivering: [
            Delivery(helo: "client.test", from: "a@example.com", to: ["b@example.com"], data: (line + "\r\n").utf8),
        ])
    }
}
