import ProtocolTesting
import SMTP
import Testing

/// Ports of test_smtpd's mode tests: option parsing (T-SM-9 … T-SM-13),
/// decode_data false/true (T-SM-80 … T-SM-83), SMTPUTF8 (T-SM-84 … T-SM-88)
/// and the DebuggingServer's output (T-SM-3 … T-SM-6). The cases are
/// transcripts in `Transcripts/smtpd/`, one file per server configuration;
/// the cases with 500-byte lines are built in Swift.
@Suite struct SMTPDModeTests {
    static let binary = SMTPConfiguration.testing()
    static let decoding = SMTPConfiguration.testing { $0.decodeData = true }
    static let smtputf8 = SMTPConfiguration.testing { $0.enableSMTPUTF8 = true }

    /// test_smtpd's envelope: from eggs@example to spam@example, after HELO example.
    static func delivery(data: String, decoded: Bool = false) -> Delivery {
        Delivery(helo: "example", from: "eggs@example", to: ["spam@example"], data: data.utf8, decoded: decoded)
    }

    /// What `smtpd/mode-binary.txt` delivers: T-SM-80 and T-SM-81, bytes and no text.
    static let binaryDeliveries = [
        delivery(data: "plain ascii text\r\n"),
        delivery(data: "utf8 enriched text: żźć\r\nand some plain ascii\r\n"),
    ]

    @Test func withoutDecodeData() throws {
        // T-SM-9, T-SM-10, T-SM-12, T-SM-80, T-SM-81
        try SMTPTestServer(configuration: Self.binary).run(transcript("smtpd/mode-binary.txt").sessions, delivering: Self.binaryDeliveries)
    }

    @Test func withDecodeData() throws {
        // T-SM-11; T-SM-82 and T-SM-83 deliver text.
        try SMTPTestServer(configuration: Self.decoding).run(transcript("smtpd/mode-decoding.txt").sessions, delivering: [
            Self.delivery(data: "plain ascii text\r\n", decoded: true),
            Self.delivery(data: "utf8 enriched text: żźć\r\nand some plain ascii\r\n", decoded: true),
        ])
    }

    @Test func withSMTPUTF8() throws {
        // T-SM-13, T-SM-84; T-SM-85 delivers twice, the second asking for SMTPUTF8; T-SM-86.
        let options = ["BODY=8BITMIME", "SMTPUTF8"]
        try SMTPTestServer(configuration: Self.smtputf8).run(transcript("smtpd/mode-smtputf8.txt").sessions, delivering: [
            Delivery(helo: "example", from: "a@example", to: ["b@example.com"], data: "c\r\n".utf8),
            Delivery(helo: "example", from: "a@example", to: ["b@example.com"], mailOptions: options, data: "c\r\n".utf8, smtputf8: true),
            Delivery(
                helo: "example", from: "naïve@examplé", to: ["späm@examplé"], mailOptions: options,
                data: "utf8 enriched text: żźć\r\n".utf8, smtputf8: true),
        ])
    }

    static let ehloSMTPUTF8 = ["SIZE 33554432", "8BITMIME", "SMTPUTF8", "PIPELINING", "HELP"]

    @Test func commandLimitWithSizeAndSMTPUTF8() throws {
        // T-SM-87: 512 + 26 + 10 = 548 bytes.
        let client = Client()
        try SMTPTestServer(configuration: Self.smtputf8).run(Dialogue("T-SM-87 MAIL limit extended with SIZE and SMTPUTF8") {
            client.expectGreeting()
            client.ehlo(extensions: Self.ehloSMTPUTF8)
            client.command("MAIL from:<\(String(repeating: "a", count: 529))@example>", "500 Error: line too long")
            client.command("MAIL from:<\(String(repeating: "a", count: 528))@example>", "250 OK")
        }, delivering: [])
    }

    @Test func extendedLimitPersistsAcrossTransactions() throws {
        // T-SM-88: three messages, each sender 548 bytes long.
        let client = Client()
        let senders = ["a", "b", "c"].map { String(repeating: $0, count: 528) }
        let dialogue = Dialogue("T-SM-88 multiple emails with extended command length") {
            client.expectGreeting()
            client.ehlo(extensions: Self.ehloSMTPUTF8)
            for sender in senders {
                client.command("MAIL from:<\(sender)a@example>", "500 Error: line too long")
                client.command("MAIL from:<\(sender)@example>", "250 OK")
                client.command("rcpt to:<hans@example.com>", "250 OK")
                client.command("data", "354 End data with <CR><LF>.<CR><LF>")
                client.send("test")
                client.command(".", "250 OK")
            }
        }
        // A long script: whole, byte by byte, and a sample of the splits.
        try SMTPTestServer(configuration: Self.smtputf8).run(dialogue, chunking: .all(maxSplits: 100), delivering: senders.map {
            Delivery(helo: "example", from: "\($0)@example", to: ["hans@example.com"], data: "test\r\n".utf8)
        })
    }

    // MARK: DebuggingServer (T-SM-3 … T-SM-6)

    /// What the DebuggingServer prints for each message of the transcript,
    /// the same in every run.
    func printed(_ configuration: SMTPConfiguration, _ name: String) throws -> [String] {
        try SMTPTestServer(configuration: configuration).recordings(of: transcript(name).sessions) { log in
            DebugPrintHandler { log.record($0) }
        }
    }

    @Test func debuggingServerWithDecodeData() throws {
        // T-SM-3
        #expect(try printed(Self.decoding, "smtpd/debugging-decode-data.txt") == ["""
            ---------- MESSAGE FOLLOWS ----------
            From: test
            X-Peer: peer-address

            hello
            ------------ END MESSAGE ------------

            """])
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
        #expect(try printed(Self.binary, "smtpd/debugging-binary.txt") == [Self.binaryDebugOutput])
    }

    @Test func debuggingServerWithSMTPUTF8() throws {
        // T-SM-5: SMTPUTF8 enabled, a message without it; T-SM-6: an SMTPUTF8 message.
        let withOptions = Self.binaryDebugOutput.replacing(
            "---------- MESSAGE FOLLOWS ----------\n",
            with: "---------- MESSAGE FOLLOWS ----------\nmail options: ['BODY=8BITMIME', 'SMTPUTF8']\n")
        #expect(try printed(Self.smtputf8, "smtpd/debugging-smtputf8.txt") == [Self.binaryDebugOutput, withOptions])
    }
}
