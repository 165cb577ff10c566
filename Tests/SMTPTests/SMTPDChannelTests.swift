import ProtocolTesting
import SMTP
import Testing

/// Ports of test_smtpd's SMTPDChannelTest (T-SM-17 … T-SM-76) and
/// SMTPDChannelWithDataSizeLimitTest (T-SM-78, T-SM-79): smtpd's channel
/// with `decode_data=True`. The reference's empty host name is `mx.test`
/// here. The cases are transcripts in `Transcripts/smtpd/`, one session each,
/// run under every chunking of the client's bytes; the cases whose lines are
/// hundreds of bytes long are built in Swift.
///
/// Not ported: T-SM-1 (an unimplemented `process_message`: a handler must
/// implement `deliver`, checked by the compiler), T-SM-38 (a channel forced
/// into an unknown state: `SMTPSession.State` is a closed enum the session
/// alone sets), T-SM-77 (Python's deprecated name-mangled attributes) and
/// T-SM-89 (Python's `__all__`).
@Suite struct SMTPDChannelTests {
    static let smtpd = SMTPTestServer(configuration: .testing { $0.decodeData = true })

    /// A message as these cases deliver it: after HELO or EHLO example, as
    /// text too (decode_data=True), from eggs@example to spam@example unless
    /// the case says otherwise.
    static func delivery(
        from: String = "eggs@example", to recipients: [String] = ["spam@example"], mailOptions: [String] = [], data: String
    ) -> Delivery {
        Delivery(helo: "example", from: from, to: recipients, mailOptions: mailOptions, data: data.utf8, decoded: true)
    }

    @Test func greetingCommands() throws {
        // T-SM-17 … T-SM-23, T-SM-27, T-SM-28
        try Self.smtpd.run(transcript("smtpd/channel-helo-ehlo.txt").sessions, delivering: [])
    }

    @Test func otherCommands() throws {
        // T-SM-24 … T-SM-26, T-SM-32 … T-SM-37, T-SM-58 … T-SM-60, T-SM-74 … T-SM-76
        try Self.smtpd.run(transcript("smtpd/channel-commands.txt").sessions, delivering: [])
    }

    @Test func mailAndItsParameters() throws {
        // T-SM-29 … T-SM-31, T-SM-41, T-SM-43 … T-SM-45, T-SM-48 … T-SM-57, T-SM-61;
        // T-SM-53 … T-SM-56 deliver: the quotes stay in the address.
        let fred = "\"Fred Blogs\"@example.com"
        try Self.smtpd.run(transcript("smtpd/channel-mail.txt").sessions, delivering: [
            Self.delivery(from: fred, data: "x\r\n"),
            Self.delivery(from: fred, data: "x\r\n"),
            Self.delivery(from: fred, mailOptions: ["SIZE=1000"], data: "x\r\n"),
            Self.delivery(from: fred, mailOptions: ["SIZE=1000"], data: "x\r\n"),
        ])
    }

    @Test func recipientsAndData() throws {
        // T-SM-47, T-SM-62 … T-SM-73
        try Self.smtpd.run(transcript("smtpd/channel-rcpt-data.txt").sessions, delivering: [
            Self.delivery(data: "return status\r\n"),                                  // T-SM-72
            Self.delivery(data: "data\r\nmore\r\n"),                                   // T-SM-67
            Self.delivery(data: ".\r\n"),                                              // T-SM-70
            Self.delivery(to: ["spam@example", "ham@example"], data: "data\r\n"),      // T-SM-71
            Self.delivery(from: "foo@example", to: ["eggs@example"], data: "data\r\n"), // T-SM-73
        ])
    }

    @Test func commandTooLong() throws {
        // T-SM-39: 531 bytes.
        let client = Client()
        try Self.smtpd.run(Dialogue("T-SM-39 command too long") {
            client.expectGreeting()
            client.command("HELO example", "250 mx.test")
            client.command("MAIL from: \(String(repeating: "a", count: 512))@example", "500 Error: line too long")
        }, delivering: [])
    }

    @Test func mailCommandLimitExtendedWithSIZE() throws {
        // T-SM-40: after EHLO, MAIL may be 512 + 26 bytes long.
        let client = Client()
        try Self.smtpd.run(Dialogue("T-SM-40 MAIL command limit extended with SIZE") {
            client.expectGreeting()
            client.ehlo(extensions: ["SIZE 33554432", "PIPELINING", "HELP"])
            client.command("MAIL from:<\(String(repeating: "a", count: 492))@example> SIZE=1234", "250 OK")
            client.command("MAIL from:<\(String(repeating: "a", count: 518))@example> SIZE=1234", "500 Error: line too long")
        }, delivering: [])
    }

    static let sizeLimit1048 = SMTPTestServer(configuration: .testing { $0.decodeData = true; $0.maxMessageSize = 1048 })

    @Test func dataSizeLimitFromTheServer() throws {
        // T-SM-42: a 1049-byte message against a limit of 1048 is not delivered.
        let client = Client()
        try Self.sizeLimit1048.run(Dialogue("T-SM-42 data longer than the data size limit") {
            client.expectGreeting()
            client.command("HELO example", "250 mx.test")
            client.command("MAIL From:eggs@example", "250 OK")
            client.command("RCPT To:spam@example", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send(String(repeating: "A", count: 1049))
            client.command(".", "552 Error: Too much mail data")
        }, delivering: [])
    }

    @Test func sizeParameterOverTheLimit() throws {
        // T-SM-46
        try Self.sizeLimit1048.run(transcript("smtpd/size-limit-1048.txt").sessions, delivering: [])
    }

    @Test func dataLimitDialogs() throws {
        // T-SM-78 and T-SM-79: a limit of 32; the 36-byte message is not delivered.
        let limit32 = SMTPTestServer(configuration: .testing { $0.decodeData = true; $0.maxMessageSize = 32 })
        try limit32.run(transcript("smtpd/data-size-limit-32.txt").sessions, delivering: [Self.delivery(data: "data\r\nmore\r\n")])
    }
}
