import AsyncCore
import SMTP
import Testing

/// Ports of test_smtpd's SMTPDChannelTest (T-SM-17 … T-SM-76): smtpd's
/// channel with `decode_data=True` and the default size limit. The
/// reference's empty host name is `mx.test` here; each dialogue also runs
/// one byte at a time.
///
/// Not ported: T-SM-1 (an unimplemented `process_message`: a handler must
/// implement `deliver`, checked by the compiler), T-SM-38 (a channel forced
/// into an unknown state: `SMTPSession.State` is a closed enum the session
/// alone sets), T-SM-77 (Python's deprecated name-mangled attributes) and
/// T-SM-89 (Python's `__all__`).
@Suite struct SMTPDChannelTests {
    static let decoding = DialogueRunner(configuration: .testing { $0.decodeData = true })
    static let a512 = String(repeating: "a", count: 512)

    static let replyOnlyCases: [LegacyDialogue] = [
        LegacyDialogue("T-SM-17 missing data", """
            C:
            S: 500 Error: bad syntax
            """),
        LegacyDialogue("T-SM-18 EHLO", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            """),
        LegacyDialogue("T-SM-19 EHLO bad syntax", """
            C: EHLO
            S: 501 Syntax: EHLO hostname
            """),
        LegacyDialogue("T-SM-20 EHLO duplicate", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: EHLO example
            S: 503 Duplicate HELO/EHLO
            """),
        LegacyDialogue("T-SM-21 EHLO HELO duplicate", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: HELO example
            S: 503 Duplicate HELO/EHLO
            """),
        LegacyDialogue("T-SM-22 HELO", """
            C: HELO example
            S: 250 mx.test
            """),
        LegacyDialogue("T-SM-23 HELO EHLO duplicate", """
            C: HELO example
            S: 250 mx.test
            C: EHLO example
            S: 503 Duplicate HELO/EHLO
            """),
        LegacyDialogue("T-SM-24 HELP", """
            C: HELP
            S: 250 Supported commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY
            """),
        LegacyDialogue("T-SM-25 HELP command", """
            C: HELP MAIL
            S: 250 Syntax: MAIL FROM: <address>
            """),
        LegacyDialogue("T-SM-26 HELP command unknown", """
            C: HELP SPAM
            S: 501 Supported commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY
            """),
        LegacyDialogue("T-SM-27 HELO bad syntax", """
            C: HELO
            S: 501 Syntax: HELO hostname
            """),
        LegacyDialogue("T-SM-28 HELO duplicate", """
            C: HELO example
            S: 250 mx.test
            C: HELO example
            S: 503 Duplicate HELO/EHLO
            """),
        LegacyDialogue("T-SM-29 HELO parameter rejected when extensions not enabled", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from:<foo@example.com> SIZE=1234
            S: 501 Syntax: MAIL FROM: <address>
            """),
        LegacyDialogue("T-SM-30 MAIL allows space after colon", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from:   <foo@example.com>
            S: 250 OK
            """),
        LegacyDialogue("T-SM-31 extended MAIL allows space after colon", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL from:   <foo@example.com> size=20
            S: 250 OK
            """),
        LegacyDialogue("T-SM-32 NOOP", """
            C: NOOP
            S: 250 OK
            """),
        LegacyDialogue("T-SM-33 HELO NOOP", """
            C: HELO example
            S: 250 mx.test
            C: NOOP
            S: 250 OK
            """),
        LegacyDialogue("T-SM-34 NOOP bad syntax", """
            C: NOOP hi
            S: 501 Syntax: NOOP
            """),
        LegacyDialogue("T-SM-35 QUIT", """
            C: QUIT
            S: 221 Bye
            closed
            """),
        LegacyDialogue("T-SM-36 HELO QUIT", """
            C: HELO example
            S: 250 mx.test
            C: QUIT
            S: 221 Bye
            closed
            """),
        LegacyDialogue("T-SM-37 QUIT arg ignored", """
            C: QUIT bye bye
            S: 221 Bye
            closed
            """),
        LegacyDialogue("T-SM-39 command too long", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from: \(a512)@example
            S: 500 Error: line too long
            """),
        LegacyDialogue("T-SM-40 MAIL command limit extended with SIZE", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL from:<\(String(repeating: "a", count: 492))@example> SIZE=1234
            S: 250 OK
            C: MAIL from:<\(String(repeating: "a", count: 518))@example> SIZE=1234
            S: 500 Error: line too long
            """),
        LegacyDialogue("T-SM-41 MAIL command rejects SMTPUTF8 by default", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL from: <naive@example.com> BODY=8BITMIME SMTPUTF8
            S: 555 MAIL FROM parameters not recognized or not implemented
            """),
        LegacyDialogue("T-SM-43 MAIL size parameter", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL FROM:<eggs@example> SIZE=512
            S: 250 OK
            """),
        LegacyDialogue("T-SM-44 MAIL invalid size parameter", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL FROM:<eggs@example> SIZE=invalid
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            """),
        LegacyDialogue("T-SM-45 MAIL RCPT unknown parameters", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL FROM:<eggs@example> ham=green
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL FROM:<eggs@example>
            S: 250 OK
            C: RCPT TO:<eggs@example> ham=green
            S: 555 RCPT TO parameters not recognized or not implemented
            """),
        LegacyDialogue("T-SM-47 need MAIL", """
            C: HELO example
            S: 250 mx.test
            C: RCPT to:spam@example
            S: 503 Error: need MAIL command
            """),
        LegacyDialogue("T-SM-48 MAIL syntax HELO", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from eggs@example
            S: 501 Syntax: MAIL FROM: <address>
            """),
        LegacyDialogue("T-SM-49 MAIL syntax EHLO", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL from eggs@example
            S: 501 Syntax: MAIL FROM: <address> [SP <mail-parameters>]
            """),
        LegacyDialogue("T-SM-50 MAIL missing address", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from:
            S: 501 Syntax: MAIL FROM: <address>
            """),
        LegacyDialogue("T-SM-51 MAIL chevrons", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from:<eggs@example>
            S: 250 OK
            """),
        LegacyDialogue("T-SM-52 MAIL empty chevrons", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL from:<>
            S: 250 OK
            """),
        LegacyDialogue("T-SM-57 nested MAIL", """
            C: HELO example
            S: 250 mx.test
            C: MAIL from:eggs@example
            S: 250 OK
            C: MAIL from:spam@example
            S: 503 Error: nested MAIL command
            """),
        LegacyDialogue("T-SM-58 VRFY", """
            C: VRFY eggs@example
            S: 252 Cannot VRFY user, but will accept message and attempt delivery
            """),
        LegacyDialogue("T-SM-59 VRFY syntax", """
            C: VRFY
            S: 501 Syntax: VRFY <address>
            """),
        LegacyDialogue("T-SM-60 EXPN not implemented", """
            C: EXPN
            S: 502 EXPN not implemented
            """),
        LegacyDialogue("T-SM-61 no HELO MAIL", """
            C: MAIL from:<foo@example.com>
            S: 503 Error: send HELO first
            """),
        LegacyDialogue("T-SM-62 need RCPT", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: DATA
            S: 503 Error: need RCPT command
            """),
        LegacyDialogue("T-SM-63 RCPT syntax HELO", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From: eggs@example
            S: 250 OK
            C: RCPT to eggs@example
            S: 501 Syntax: RCPT TO: <address>
            """),
        LegacyDialogue("T-SM-64 RCPT syntax EHLO", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 33554432
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL From: eggs@example
            S: 250 OK
            C: RCPT to eggs@example
            S: 501 Syntax: RCPT TO: <address> [SP <mail-parameters>]
            """),
        LegacyDialogue("T-SM-65 RCPT lowercase to OK", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From: eggs@example
            S: 250 OK
            C: RCPT to: <eggs@example>
            S: 250 OK
            """),
        LegacyDialogue("T-SM-66 no HELO RCPT", """
            C: RCPT to eggs@example
            S: 503 Error: send HELO first
            """),
        LegacyDialogue("T-SM-68 DATA syntax", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: RCPT To:spam@example
            S: 250 OK
            C: DATA spam
            S: 501 Syntax: DATA
            """),
        LegacyDialogue("T-SM-69 no HELO DATA", """
            C: DATA spam
            S: 503 Error: send HELO first
            """),
        LegacyDialogue("T-SM-72 manual status", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: RCPT To:spam@example
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: return status
            C: .
            S: 250 Okish
            """),
        LegacyDialogue("T-SM-74 HELO RSET", """
            C: HELO example
            S: 250 mx.test
            C: RSET
            S: 250 OK
            """),
        LegacyDialogue("T-SM-75 RSET syntax", """
            C: RSET hi
            S: 501 Syntax: RSET
            """),
        LegacyDialogue("T-SM-76 unknown command", """
            C: UNKNOWN_CMD
            S: 500 Error: command "UNKNOWN_CMD" not recognized
            """),
    ]

    @Test(arguments: replyOnlyCases)
    func replies(_ dialogue: LegacyDialogue) throws {
        try Self.decoding.check(dialogue)
    }

    @Test func dataSizeLimitFromTheServer() throws {
        // T-SM-42: a 1049-byte message against a limit of 1048.
        let runner = DialogueRunner(configuration: .testing { $0.decodeData = true; $0.maxMessageSize = 1048 })
        let messages = try runner.check(LegacyDialogue("T-SM-42 data longer than the data size limit", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: RCPT To:spam@example
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: \(String(repeating: "A", count: 1049))
            C: .
            S: 552 Error: Too much mail data
            """))
        #expect(messages.isEmpty)
    }

    @Test func sizeParameterOverTheLimit() throws {
        // T-SM-46
        let runner = DialogueRunner(configuration: .testing { $0.decodeData = true; $0.maxMessageSize = 1048 })
        try runner.check(LegacyDialogue("T-SM-46 MAIL size parameter larger than the data size limit", """
            C: EHLO example
            S: 250-mx.test
            S: 250-SIZE 1048
            S: 250-PIPELINING
            S: 250 HELP
            C: MAIL FROM:<eggs@example> SIZE=2096
            S: 552 Error: message size exceeds fixed maximum message size
            """))
    }

    static let envelope = """
        C: HELO example
        S: 250 mx.test
        C: MAIL From:eggs@example
        S: 250 OK
        C: RCPT To:spam@example
        S: 250 OK
        C: DATA
        S: 354 End data with <CR><LF>.<CR><LF>
        """

    @Test func quotedLocalParts() throws {
        // T-SM-53 … T-SM-56: the quotes stay in the address.
        let forms = [
            "T-SM-53": "<\"Fred Blogs\"@example.com>",
            "T-SM-54": "\"Fred Blogs\"@example.com",
            "T-SM-55": "<\"Fred Blogs\"@example.com> SIZE=1000",
            "T-SM-56": "\"Fred Blogs\"@example.com SIZE=1000",
        ]
        for (id, form) in forms.sorted(by: { $0.key < $1.key }) {
            let messages = try Self.decoding.check(LegacyDialogue("\(id) MAIL quoted local part", """
                C: EHLO example
                S: 250-mx.test
                S: 250-SIZE 33554432
                S: 250-PIPELINING
                S: 250 HELP
                C: MAIL from: \(form)
                S: 250 OK
                C: RCPT To:spam@example
                S: 250 OK
                C: DATA
                S: 354 End data with <CR><LF>.<CR><LF>
                C: x
                C: .
                S: 250 OK
                """))
            #expect(messages.map(\.mailFrom) == ["\"Fred Blogs\"@example.com"], "\(id)")
        }
    }

    @Test func dataDialog() throws {
        // T-SM-67
        let messages = try Self.decoding.check(LegacyDialogue("T-SM-67 data dialog", Self.envelope + """

            C: data\\r\\nmore
            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.summary) == [.init(mailFrom: "eggs@example", recipients: ["spam@example"], data: "data\r\nmore\r\n")])
        #expect(messages.first?.peer == .ipv4(host: "peer-address", port: 4000))
    }

    @Test func dataTransparency() throws {
        // T-SM-70: "..\r\n.\r\n\r\n": the message is ".", the extra CRLF an empty command.
        let messages = try Self.decoding.check(LegacyDialogue("T-SM-70 data transparency section 4.5.2", Self.envelope + """

            c: ..\\r\\n.\\r\\n\\r\\n
            S: 250 OK
            S: 500 Error: bad syntax
            """))
        #expect(messages.map(\.data) == [Array(".\r\n".utf8)])
    }

    @Test func multipleRecipients() throws {
        // T-SM-71
        let messages = try Self.decoding.check(LegacyDialogue("T-SM-71 multiple RCPT", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: RCPT To:spam@example
            S: 250 OK
            C: RCPT To:ham@example
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: data
            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.summary) == [.init(mailFrom: "eggs@example", recipients: ["spam@example", "ham@example"], data: "data\r\n")])
    }

    @Test func resetClearsTheEnvelope() throws {
        // T-SM-73
        let messages = try Self.decoding.check(LegacyDialogue("T-SM-73 RSET", """
            C: HELO example
            S: 250 mx.test
            C: MAIL From:eggs@example
            S: 250 OK
            C: RCPT To:spam@example
            S: 250 OK
            C: RSET
            S: 250 OK
            C: MAIL From:foo@example
            S: 250 OK
            C: RCPT To:eggs@example
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: data
            C: .
            S: 250 OK
            """))
        #expect(messages.map(\.summary) == [.init(mailFrom: "foo@example", recipients: ["eggs@example"], data: "data\r\n")])
    }

    @Test func dataLimitDialogs() throws {
        // T-SM-78 and T-SM-79: SMTPDChannelWithDataSizeLimitTest, limit 32.
        let runner = DialogueRunner(configuration: .testing { $0.decodeData = true; $0.maxMessageSize = 32 })
        let fits = try runner.check(LegacyDialogue("T-SM-78 data limit dialog", Self.envelope + """

            C: data\\r\\nmore
            C: .
            S: 250 OK
            """))
        #expect(fits.map(\.data) == [Array("data\r\nmore\r\n".utf8)])
        let tooMuch = try runner.check(LegacyDialogue("T-SM-79 data limit dialog too much data", Self.envelope + """

            C: This message is longer than 32 bytes
            C: .
            S: 552 Error: Too much mail data
            """))
        #expect(tooMuch.isEmpty)
    }
}
