import AsyncCore
import SMTP
import Testing

/// Cases beyond test_smtpd: RFC 5321 behaviour, the smtpd bugs this port
/// fixes (W-9 … W-12, W-17, W-18), limits and time-outs.
@Suite struct SMTPRFCTests {
    static let runner = DialogueRunner()

    static let ehlo = """
        C: EHLO client.test
        S: 250-mx.test
        S: 250-SIZE 33554432
        S: 250-8BITMIME
        S: 250-PIPELINING
        S: 250 HELP
        """

    static let envelope = ehlo + """

        C: MAIL FROM:<a@example.com>
        S: 250 OK
        C: RCPT TO:<b@example.com>
        S: 250 OK
        C: DATA
        S: 354 End data with <CR><LF>.<CR><LF>
        """

    static let replyCases: [LegacyDialogue] = [
        LegacyDialogue("malformed addresses get 501, never a dropped connection (W-11)", ehlo + """

            C: MAIL FROM:<
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:"
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:a@
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:@
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<<a@b>>
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:eggs@example>
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:Joe <a@b>
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a..b@c>
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: VRFY @@
            S: 501 Syntax: VRFY <address>
            C: VRFY "
            S: 501 Syntax: VRFY <address>
            C: VRFY <
            S: 501 Syntax: VRFY <address>
            C: VRFY [x]
            S: 501 Syntax: VRFY <address>
            C: NOOP
            S: 250 OK
            """),
        LegacyDialogue("bare SIZE is a syntax error, not a crash (W-12)", ehlo + """

            C: MAIL FROM:<a@b> SIZE
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b> SIZE=
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b> SIZE=-1
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b> SIZE=99999999999999999999999999
            S: 552 Error: message size exceeds fixed maximum message size
            C: MAIL FROM:<a@b> SIZE=33554432
            S: 250 OK
            """),
        LegacyDialogue("parameters: BODY values, hyphenated keywords (RFC 5321), last one wins", ehlo + """

            C: MAIL FROM:<a@b> BODY
            S: 501 Error: BODY can only be one of 7BIT, 8BITMIME
            C: MAIL FROM:<a@b> A-B=1
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL FROM:<a@b> -A=1
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b>,c
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            C: MAIL FROM:<a@b> SIZE=1 SIZE=2 BODY=7bit
            S: 250 OK
            """),
        LegacyDialogue("SMTPUTF8 is a parameter only when enabled", ehlo + """

            C: MAIL FROM:<a@b> SMTPUTF8
            S: 555 MAIL FROM parameters not recognized or not implemented
            """),
        LegacyDialogue("the null path is a reverse path only", ehlo + """

            C: MAIL FROM:<>
            S: 250 OK
            C: RCPT TO:<>
            S: 501 Syntax: RCPT TO: <address> [SP <mail-parameters>]
            C: RCPT TO:<postmaster>
            S: 250 OK
            """),
        LegacyDialogue("invalid UTF-8 in a command gets 500 and the session goes on (W-12)", """
            c: \\xff\\xfe\\r\\n
            S: 500 Error: command line is not valid UTF-8
            c: MAIL FROM:<\\xc3@b>\\r\\n
            S: 500 Error: command line is not valid UTF-8
            C: NOOP
            S: 250 OK
            """),
        LegacyDialogue("non-ASCII is not echoed without SMTPUTF8 (W-12)", """
            C: \\xc3\\x89
            S: 500 Error: command "?" not recognized
            c: NOOP\\tX\\r\\n
            S: 500 Error: command "NOOP\\tX" not recognized
            C:  NOOP
            S: 500 Error: command "" not recognized
            """),
        LegacyDialogue("a bare LF or CR in a command line is refused, never a line end", """
            c: NOOP\\nNOOP\\r\\n
            S: 500 Error: bare <CR> or <LF> in command line
            c: NOOP\\rRSET\\r\\n
            S: 500 Error: bare <CR> or <LF> in command line
            C: NOOP
            S: 250 OK
            """),
        LegacyDialogue("command line of 512 bytes is accepted, 513 refused", """
            C: VRFY \(String(repeating: "a", count: 507))
            S: 252 Cannot VRFY user, but will accept message and attempt delivery
            C: VRFY \(String(repeating: "a", count: 508))
            S: 500 Error: line too long
            """),
        LegacyDialogue("RCPT is not given the MAIL allowance", ehlo + """

            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<\(String(repeating: "a", count: 510))@b>
            S: 500 Error: line too long
            """),
        LegacyDialogue("QUIT in a pipeline: later commands are not answered", """
            c: NOOP\\r\\nQUIT\\r\\nNOOP\\r\\n
            S: 250 OK
            S: 221 Bye
            closed
            """),
        LegacyDialogue("source routes are accepted and dropped", ehlo + """

            C: MAIL FROM:<@relay.example,@other.example:a@b>
            S: 250 OK
            C: RCPT TO:<  c@[192.0.2.1]  >
            S: 250 OK
            """),
        LegacyDialogue("the session closes after QUIT even mid-transaction", envelope + """

            C: .
            S: 250 OK
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: QUIT
            S: 221 Bye
            closed
            """),
    ]

    @Test(arguments: replyCases)
    func replies(_ dialogue: LegacyDialogue) throws {
        try Self.runner.check(dialogue)
    }

    @Test func emptyMessage() throws {
        // W-17: "." right after the 354 ends an empty message.
        let messages = try Self.runner.check(LegacyDialogue("empty message", Self.envelope + """

            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.data) == [[]])
    }

    @Test func oversizedMessageLeavesAUsableSession() throws {
        // W-9: after 552 the session is in command state with no envelope.
        let runner = DialogueRunner(configuration: .testing { $0.maxMessageSize = 32 })
        let messages = try runner.check(LegacyDialogue("552 then a usable session", """
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<c@d>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: \(String(repeating: "x", count: 40))
            C: .
            S: 552 Error: Too much mail data
            C: RCPT TO:<c@d>
            S: 503 Error: need MAIL command
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<c@d>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: \(String(repeating: "y", count: 32))
            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.data) == [Array((String(repeating: "y", count: 32) + "\r\n").utf8)])
    }

    @Test func sizeLimitCountsLikeSmtpd() throws {
        // Exactly the limit fits; 33 bytes, or two 15-byte lines plus their CRLF, do not.
        let runner = DialogueRunner(configuration: .testing { $0.maxMessageSize = 32 })
        for (body, accepted) in [(String(repeating: "x", count: 32), true), (String(repeating: "x", count: 33), false),
                                 (String(repeating: "x", count: 15) + "\\r\\n" + String(repeating: "x", count: 15), true),
                                 (String(repeating: "x", count: 16) + "\\r\\n" + String(repeating: "x", count: 15), false)] {
            let messages = try runner.check(LegacyDialogue("size limit", Self.envelope.replacing("250-SIZE 33554432", with: "250-SIZE 32") + """

                C: \(body)
                C: .
                S: \(accepted ? "250 OK" : "552 Error: Too much mail data")
                """))
            #expect(messages.count == (accepted ? 1 : 0))
        }
    }

    @Test func pipelinedTransaction() throws {
        // PIPELINING: the whole transaction in one write, replies in order.
        let messages = try Self.runner.check(LegacyDialogue("pipelining", Self.ehlo + """

            c: MAIL FROM:<a@b>\\r\\nRCPT TO:<c@d>\\r\\nRCPT TO:<e@f>\\r\\nDATA\\r\\n
            S: 250 OK
            S: 250 OK
            S: 250 OK
            S: 354 End data with <CR><LF>.<CR><LF>
            c: Subject: one\\r\\n\\r\\nbody\\r\\n.\\r\\nMAIL FROM:<g@h>\\r\\nRCPT TO:<i@j>\\r\\nDATA\\r\\n
            S: 250 OK
            S: 250 OK
            S: 250 OK
            S: 354 End data with <CR><LF>.<CR><LF>
            c: two\\r\\n.\\r\\nQUIT\\r\\n
            S: 250 OK
            S: 221 Bye
            closed
            """))
        #expect(messages.map(\.summary) == [
            .init(mailFrom: "a@b", recipients: ["c@d", "e@f"], data: "Subject: one\r\n\r\nbody\r\n"),
            .init(mailFrom: "g@h", recipients: ["i@j"], data: "two\r\n"),
        ])
    }

    @Test func smugglingAttemptsStayInTheBody() throws {
        // Only CRLF.CRLF ends DATA: \n.\n, \r.\r, \n.\r\n and \r\n.\n do not.
        let messages = try Self.runner.check(LegacyDialogue("smuggling", Self.envelope + """

            c: one\\n.\\nMAIL FROM:<evil@x>\\n
            c: two\\r.\\rRCPT TO:<evil@y>\\r
            c: three\\n.\\r\\nDATA\\r\\n
            c: four\\r\\n.\\nQUIT\\r\\n
            c: .\\r\\n
            S: 250 OK
            """))
        #expect(messages.count == 1)
        #expect(messages.first?.data == Array("one\n.\nMAIL FROM:<evil@x>\ntwo\r.\rRCPT TO:<evil@y>\rthree\n.\r\nDATA\r\nfour\r\n\nQUIT\r\n".utf8))
    }

    @Test func dotUnstuffing() throws {
        // RFC 5321 4.5.2: one leading dot is removed from each line.
        let messages = try Self.runner.check(LegacyDialogue("transparency", Self.envelope + """

            c: .a\\r\\n..\\r\\n...\\r\\nx.\\r\\n. \\r\\n\\r\\n.\\r\\n
            S: 250 OK
            """))
        #expect(messages.first?.data == Array("a\r\n.\r\n..\r\nx.\r\n \r\n\r\n".utf8))
    }

    @Test func longDataLinesAreKept() throws {
        // DATA lines have no length limit but the message size.
        let line = String(repeating: "z", count: 100_000)
        let messages = try DialogueRunner().run(LegacyDialogue("long line", Self.envelope + """

            C: \(line)
            C: .
            S: 250 OK
            """), byteAtATime: false)
        #expect(messages.first?.data.count == 100_002)
    }

    @Test func recipientLimit() throws {
        let runner = DialogueRunner(configuration: .testing { $0.maxRecipients = 2 })
        try runner.check(LegacyDialogue("recipient limit", """
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<one@b>
            S: 250 OK
            C: RCPT TO:<two@b>
            S: 250 OK
            C: RCPT TO:<three@b>
            S: 452 Error: too many recipients
            """))
    }

    @Test func errorBudget() throws {
        let runner = DialogueRunner(configuration: .testing { $0.maxErrors = 3 })
        try runner.check(LegacyDialogue("too many errors", """
            C: BOGUS
            S: 500 Error: command "BOGUS" not recognized
            C: NOOP x
            S: 501 Syntax: NOOP
            C: NOOP
            S: 250 OK
            C: MAIL FROM:<a@b>
            S: 503 Error: send HELO first
            C: BOGUS
            S: 421 mx.test Error: too many bad commands
            closed
            """))
    }

    @Test func idleTimeout() throws {
        try Self.runner.check(LegacyDialogue("command timeout", """
            C: HELO client.test
            S: 250 mx.test
            wait: 299
            C: NOOP
            S: 250 OK
            wait: 300
            S: 421 mx.test Error: timeout exceeded
            closed
            """))
    }

    @Test func idleTimeoutInData() throws {
        let messages = try Self.runner.check(LegacyDialogue("timeout in DATA", Self.envelope + """

            C: half a message
            wait: 300
            S: 421 mx.test Error: timeout exceeded
            closed
            """))
        #expect(messages.isEmpty)
    }

    @Test func disconnectMidDataStoresNothing() throws {
        let messages = try Self.runner.check(LegacyDialogue("disconnect mid-DATA", Self.envelope + """

            c: Subject: never\\r\\n\\r\\nhalf a line
            disconnect
            """))
        #expect(messages.isEmpty)
    }

    @Test func handlerReplies() throws {
        // A handler may refuse: its reply goes to the client; the session goes on.
        var runner = DialogueRunner()
        runner.reply = { message in
            message.recipients.contains("full@b") ? SMTPReply(452, "Error: mailbox full") : SMTPReply(554, "Error: no\r\nthanks")
        }
        try runner.check(LegacyDialogue("handler replies", """
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<full@b>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: .
            S: 452 Error: mailbox full
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<other@b>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: .
            S: 554 Error: no thanks
            """))
    }

    @Test func decodeDataRefusesInvalidUTF8Bodies() throws {
        let runner = DialogueRunner(configuration: .testing { $0.decodeData = true })
        let messages = try runner.check(LegacyDialogue("decode data", """
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<c@d>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: h\\xc3llo
            C: .
            S: 554 Error: message data is not valid UTF-8
            """))
        #expect(messages.isEmpty)
    }

    @Test func nullSenderIsEmpty() throws {
        let messages = try Self.runner.check(LegacyDialogue("bounce", """
            C: HELO client.test
            S: 250 mx.test
            C: MAIL FROM:<>
            S: 250 OK
            C: RCPT TO:<c@d>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.mailFrom) == [""])
    }
}
