import AsyncCore
import SMTP
import Testing

/// Ports of test_smtpd's mode tests: option parsing (T-SM-9 … T-SM-13),
/// decode_data false/true (T-SM-80 … T-SM-83), SMTPUTF8 (T-SM-84 … T-SM-88)
/// and the DebuggingServer's output (T-SM-3 … T-SM-6).
@Suite struct SMTPDModeTests {
    static let binary = DialogueRunner()
    static let decoding = DialogueRunner(configuration: .testing { $0.decodeData = true })
    static let smtputf8 = DialogueRunner(configuration: .testing { $0.enableSMTPUTF8 = true })

    static let ehloBinary = """
        C: EHLO example
        S: 250-mx.test
        S: 250-SIZE 33554432
        S: 250-8BITMIME
        S: 250-PIPELINING
        S: 250 HELP
        """
    static let ehloDecoding = """
        C: EHLO example
        S: 250-mx.test
        S: 250-SIZE 33554432
        S: 250-PIPELINING
        S: 250 HELP
        """
    static let ehloSMTPUTF8 = """
        C: ehlo example
        S: 250-mx.test
        S: 250-SIZE 33554432
        S: 250-8BITMIME
        S: 250-SMTPUTF8
        S: 250-PIPELINING
        S: 250 HELP
        """

    @Test func rcptOptionParsing() throws {
        // T-SM-9, T-SM-10 (TestRcptOptionParsing, decode_data False)
        let envelope = Self.ehloBinary + """

            C: MAIL from: <foo@example.com> size=20
            S: 250 OK
            """
        try Self.binary.check(LegacyDialogue("T-SM-9 params rejected", envelope + """

            C: RCPT to: <foo@example.com> foo=bar
            S: 555 RCPT TO parameters not recognized or not implemented
            """))
        try Self.binary.check(LegacyDialogue("T-SM-10 nothing accepted", envelope + """

            C: RCPT to: <foo@example.com>
            S: 250 OK
            """))
    }

    @Test func mailOptionParsingWithDecodeData() throws {
        // T-SM-11
        try Self.decoding.check(LegacyDialogue("T-SM-11 with decode_data true", Self.ehloDecoding + """

            C: MAIL from: <foo@example.com> size=20 SMTPUTF8
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20 SMTPUTF8 BODY=8BITMIME
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20 BODY=UNKNOWN
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20 body=8bitmime
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20
            S: 250 OK
            """))
    }

    @Test func mailOptionParsingWithoutDecodeData() throws {
        // T-SM-12
        try Self.binary.check(LegacyDialogue("T-SM-12 with decode_data false", Self.ehloBinary + """

            C: MAIL from: <foo@example.com> size=20 SMTPUTF8
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20 SMTPUTF8 BODY=8BITMIME
            S: 555 MAIL FROM parameters not recognized or not implemented
            C: MAIL from: <foo@example.com> size=20 SMTPUTF8 BODY=UNKNOWN
            S: 501 Error: BODY can only be one of 7BIT, 8BITMIME
            C: MAIL from: <foo@example.com> size=20 body=8bitmime
            S: 250 OK
            """))
    }

    @Test func mailOptionParsingWithSMTPUTF8() throws {
        // T-SM-13
        try Self.smtputf8.check(LegacyDialogue("T-SM-13 with enable_SMTPUTF8 true", Self.ehloSMTPUTF8 + """

            C: MAIL from: <foo@example.com> size=20 body=8bitmime smtputf8
            S: 250 OK
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

    @Test func binaryData() throws {
        // T-SM-80, T-SM-81
        let ascii = try Self.binary.check(LegacyDialogue("T-SM-80 ascii data", Self.envelope + """

            C: plain ascii text
            C: .
            S: 250 OK
            """))
        #expect(ascii.map(\.data) == [Array("plain ascii text\r\n".utf8)])
        #expect(ascii.map(\.text) == [nil])
        let utf8 = try Self.binary.check(LegacyDialogue("T-SM-81 utf8 data", Self.envelope + """

            C: utf8 enriched text: \\xc5\\xbc\\xc5\\xba\\xc4\\x87
            C: and some plain ascii
            C: .
            S: 250 OK
            """))
        #expect(utf8.map(\.data) == [Array("utf8 enriched text: żźć\r\nand some plain ascii\r\n".utf8)])
    }

    @Test func decodedData() throws {
        // T-SM-82, T-SM-83
        let ascii = try Self.decoding.check(LegacyDialogue("T-SM-82 ascii data", Self.envelope + """

            C: plain ascii text
            C: .
            S: 250 OK
            """))
        #expect(ascii.map(\.text) == ["plain ascii text\r\n"])
        let utf8 = try Self.decoding.check(LegacyDialogue("T-SM-83 utf8 data", Self.envelope + """

            C: utf8 enriched text: \\xc5\\xbc\\xc5\\xba\\xc4\\x87
            C: and some plain ascii
            C: .
            S: 250 OK
            """))
        #expect(utf8.map(\.text) == ["utf8 enriched text: żźć\r\nand some plain ascii\r\n"])
    }

    @Test func smtputf8AcceptedWhenAnnounced() throws {
        // T-SM-84
        try Self.smtputf8.check(LegacyDialogue("T-SM-84 MAIL accepts SMTPUTF8 when announced", Self.ehloSMTPUTF8 + """

            C: MAIL from: <na\\xc3\\xafve@example.com> BODY=8BITMIME SMTPUTF8
            S: 250 OK
            """))
    }

    @Test func smtputf8Messages() throws {
        // T-SM-85: the handler sees the SMTPUTF8 option (DummyServer's okish reply).
        var transcript = Self.ehloSMTPUTF8
        for (parameters, reply) in [("", "250 OK"), ("BODY=8BITMIME SMTPUTF8", "250 SMTPUTF8 message okish")] {
            transcript += """

                C: MAIL from: <a@example> \(parameters)
                S: 250 OK
                C: rcpt to:<b@example.com>
                S: 250 OK
                C: data
                S: 354 End data with <CR><LF>.<CR><LF>
                C: c
                C: .
                S: \(reply)
                """
        }
        let messages = try Self.smtputf8.check(LegacyDialogue("T-SM-85 process SMTPUTF8 message", transcript))
        #expect(messages.map(\.requiresSMTPUTF8) == [false, true])
        #expect(messages.map(\.mailOptions) == [[], ["BODY=8BITMIME", "SMTPUTF8"]])
    }

    @Test func smtputf8Data() throws {
        // T-SM-86
        let messages = try Self.smtputf8.check(LegacyDialogue("T-SM-86 utf8 data", Self.ehloSMTPUTF8 + """

            C: MAIL From: na\\xc3\\xafve@exampl\\xc3\\xa9 BODY=8BITMIME SMTPUTF8
            S: 250 OK
            C: RCPT To:sp\\xc3\\xa4m@exampl\\xc3\\xa9
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: utf8 enriched text: \\xc5\\xbc\\xc5\\xba\\xc4\\x87
            C: .
            S: 250 SMTPUTF8 message okish
            """))
        #expect(messages.map(\.summary) == [.init(mailFrom: "naïve@examplé", recipients: ["späm@examplé"], data: "utf8 enriched text: żźć\r\n")])
    }

    @Test func commandLimitWithSizeAndSMTPUTF8() throws {
        // T-SM-87: 512 + 26 + 10 = 548 bytes.
        try Self.smtputf8.check(LegacyDialogue("T-SM-87 MAIL limit extended with SIZE and SMTPUTF8", Self.ehloSMTPUTF8 + """

            C: MAIL from:<\(String(repeating: "a", count: 529))@example>
            S: 500 Error: line too long
            C: MAIL from:<\(String(repeating: "a", count: 528))@example>
            S: 250 OK
            """))
    }

    @Test func extendedLimitPersistsAcrossTransactions() throws {
        // T-SM-88
        var transcript = Self.ehloSMTPUTF8
        for character in ["a", "b", "c"] {
            transcript += """

                C: MAIL from:<\(String(repeating: character, count: 528))a@example>
                S: 500 Error: line too long
                C: MAIL from:<\(String(repeating: character, count: 528))@example>
                S: 250 OK
                C: rcpt to:<hans@example.com>
                S: 250 OK
                C: data
                S: 354 End data with <CR><LF>.<CR><LF>
                C: test
                C: .
                S: 250 OK
                """
        }
        let messages = try Self.smtputf8.check(LegacyDialogue("T-SM-88 multiple emails with extended command length", transcript))
        #expect(messages.count == 3)
    }

    // MARK: DebuggingServer (T-SM-3 … T-SM-6)

    /// test_smtpd's `send_data`: EHLO, MAIL, RCPT, DATA, the data as one
    /// line, `.`; returns what the handler printed.
    func debugOutput(_ configuration: SMTPConfiguration, data: String, smtputf8Options: Bool = false) throws -> String {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let (serverEnd, client) = try Socket.pair()
        defer { client.close() }
        var printed = ""
        let handler = DebugPrintHandler { printed += $0 }
        let channel = try SMTPChannel(
            socket: serverEnd, peer: .ipv4(host: "peer-address", port: 4000), configuration: configuration,
            handler: handler, loop: loop)
        let peerEnd = PeerEnd(client: client, loop: loop, channel: channel)
        let mail = smtputf8Options ? "MAIL From:eggs@example BODY=8BITMIME SMTPUTF8" : "MAIL From:eggs@example"
        let lines = ["EHLO example", mail, "RCPT To:spam@example", "DATA"]
        try peerEnd.send(Array((lines.joined(separator: "\r\n") + "\r\n").utf8), byteAtATime: false)
        try peerEnd.send(LegacyDialogue.unescape(data[...]) + Array("\r\n.\r\n".utf8), byteAtATime: false)
        try loop.run(until: { !printed.isEmpty })
        return printed
    }

    @Test func debuggingServerWithDecodeData() throws {
        // T-SM-3
        let output = try debugOutput(.testing { $0.decodeData = true }, data: #"From: test\n\nhello\n"#)
        #expect(output == """
            ---------- MESSAGE FOLLOWS ----------
            From: test
            X-Peer: peer-address

            hello
            ------------ END MESSAGE ------------

            """)
    }

    static let binaryDebugOutput = #"""
        ---------- MESSAGE FOLLOWS ----------
        b'From: test'
        b'X-Peer: peer-address'
        b''
        b'h\xc3\xa9llo\xff'
        ------------ END MESSAGE ------------

        """#

    @Test func debuggingServerWithBinaryData() throws {
        // T-SM-4
        let output = try debugOutput(.testing(), data: #"From: test\n\nh\xc3\xa9llo\xff\n"#)
        #expect(output == Self.binaryDebugOutput)
    }

    @Test func debuggingServerWithSMTPUTF8Enabled() throws {
        // T-SM-5
        let output = try debugOutput(.testing { $0.enableSMTPUTF8 = true }, data: #"From: test\n\nh\xc3\xa9llo\xff\n"#)
        #expect(output == Self.binaryDebugOutput)
    }

    @Test func debuggingServerWithSMTPUTF8Message() throws {
        // T-SM-6
        let output = try debugOutput(
            .testing { $0.enableSMTPUTF8 = true }, data: #"From: test\n\nh\xc3\xa9llo\xff\n"#, smtputf8Options: true)
        let expected = Self.binaryDebugOutput.replacing(
            "---------- MESSAGE FOLLOWS ----------\n",
            with: "---------- MESSAGE FOLLOWS ----------\nmail options: ['BODY=8BITMIME', 'SMTPUTF8']\n")
        #expect(output == expected)
    }
}
