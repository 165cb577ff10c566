import AsyncCore

/// One mail transaction as far as it has come: who sends, to whom, and how
/// the server will trace it. The stage hooks of ``SMTPHandler`` are given it.
///
/// ```swift
/// func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer) {
///     answer(blocked.contains(transaction.mailFrom) ? .reply(SMTPReply(550, "Sender refused")) : .accept)
/// }
/// ```
public struct SMTPTransaction: Sendable {
    /// The client's address.
    public var client: SocketAddress
    /// The name from HELO, EHLO or LHLO.
    public var heloName: String
    /// The protocol for the `with` clause of `Received:` (`SMTP`, `ESMTP`,
    /// `LMTP`, and `UTF8SMTP` or `UTF8LMTP` for SMTPUTF8 messages).
    public var protocolName: String
    /// Names this transaction in log lines and in `Received:`: twelve
    /// upper-case hexadecimal digits, unique within the process.
    public var queueID: String
    /// The reverse path (MAIL FROM); empty for the null path `<>`.
    public var mailFrom: String
    /// The MAIL parameters, upper-cased words (`["SIZE=1000", "BODY=8BITMIME"]`).
    public var mailOptions: [String]
    /// The accepted forward paths (RCPT TO), in order.
    public var recipients: [String] = []
    /// The parameters of the last accepted RCPT command, upper-cased words.
    public var rcptOptions: [String] = []
    /// The client asked for SMTPUTF8 in MAIL FROM.
    public var requiresSMTPUTF8: Bool
    /// The user the client authenticated as (AUTH) before MAIL, or nil.
    public var authenticatedUser: String?
    /// The server's host name, for `Received:`.
    public var serverName = ""
    /// When the content started (DATA or the first BDAT), in seconds since
    /// the epoch; nil before.
    public var receivedAt: Int?

    /// The `Received:` header the server adds for this message (RFC 5321
    /// section 4.4), with CRLF line ends and folding; empty before the
    /// content starts. Made when asked for, so a handler that stores no
    /// trace pays nothing for it.
    public var receivedHeader: String {
        guard let receivedAt else { return "" }
        return ReceivedHeader.text(for: self, hostname: serverName, time: receivedAt)
    }

    /// A transaction as a test or a custom session would build it.
    public init(
        client: SocketAddress, heloName: String, protocolName: String = "ESMTP", queueID: String,
        mailFrom: String, mailOptions: [String] = [], recipients: [String] = [], requiresSMTPUTF8: Bool = false,
        authenticatedUser: String? = nil
    ) {
        self.authenticatedUser = authenticatedUser
        self.client = client
        self.heloName = heloName
        self.protocolName = protocolName
        self.queueID = queueID
        self.mailFrom = mailFrom
        self.mailOptions = mailOptions
        self.recipients = recipients
        self.requiresSMTPUTF8 = requiresSMTPUTF8
    }
}
