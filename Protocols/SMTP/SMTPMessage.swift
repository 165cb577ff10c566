import AsyncCore
import Glibc

/// One message a client finished sending: the envelope and the content.
///
/// ```swift
/// let handler = ClosureHandler { message in
///     print("\(message.mailFrom) -> \(message.recipients): \(message.data.count) bytes")
///     return .ok
/// }
/// ```
public struct SMTPMessage: Sendable {
    /// The client's address.
    public var peer: SocketAddress
    /// The name the client gave in HELO or EHLO.
    public var heloName: String
    /// The reverse path (MAIL FROM); empty for the null path `<>` (smtpd
    /// passes the literal `"<>"`).
    public var mailFrom: String
    /// The forward paths (RCPT TO), in order, duplicates kept.
    public var recipients: [String]
    /// The MAIL parameters, upper-cased words (`["SIZE=1000", "BODY=8BITMIME"]`).
    public var mailOptions: [String]
    /// The parameters of the last RCPT command, upper-cased words.
    public var rcptOptions: [String]
    /// The content as the client sent it after dot-unstuffing: lines end in
    /// CRLF, the last one too (an empty message is empty). Bytes, not text:
    /// 8BITMIME and SMTPUTF8 bodies arrive unchanged. smtpd instead joined
    /// the lines with LF and dropped the last line end.
    public var data: [UInt8]
    /// The content as text, when the server decodes data
    /// (``SMTPConfiguration/decodeData``); nil otherwise.
    public var text: String?
    /// The client asked for SMTPUTF8 in MAIL FROM.
    public var requiresSMTPUTF8: Bool
    /// The transaction's queue ID, as in the log lines and `Received:`.
    public var queueID = ""
    /// The protocol for `Received:` (``SMTPTransaction/protocolName``).
    public var protocolName = "ESMTP"
    /// The server's host name, for `Received:`.
    public var serverName = ""
    /// When the content started, in seconds since the epoch; nil for a
    /// message the server did not receive.
    public var receivedAt: Int?

    /// The `Received:` header the server adds (RFC 5321 section 4.4), with
    /// CRLF line ends; empty when ``receivedAt`` is nil. ``data`` is the
    /// content as the client sent it, and a store writes this before it
    /// (``MaildirHandler`` does).
    public var receivedHeader: String { transaction.receivedHeader }

    /// The envelope and trace of this message as a transaction.
    var transaction: SMTPTransaction {
        var transaction = SMTPTransaction(
            client: peer, heloName: heloName, protocolName: protocolName, queueID: queueID, mailFrom: mailFrom,
            mailOptions: mailOptions, recipients: recipients, requiresSMTPUTF8: requiresSMTPUTF8)
        transaction.rcptOptions = rcptOptions
        transaction.serverName = serverName
        transaction.receivedAt = receivedAt
        return transaction
    }
    /// The content's size in bytes, also when the handler did not keep it
    /// (``SMTPHandler/keepsContent``).
    public var size: Int

    public init(
        peer: SocketAddress, heloName: String, mailFrom: String, recipients: [String],
        mailOptions: [String] = [], rcptOptions: [String] = [], data: [UInt8], text: String? = nil,
        requiresSMTPUTF8: Bool = false
    ) {
        self.peer = peer
        self.heloName = heloName
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.mailOptions = mailOptions
        self.rcptOptions = rcptOptions
        self.data = data
        self.text = text
        self.requiresSMTPUTF8 = requiresSMTPUTF8
        size = data.count
    }

    /// The content with LF line ends: each CRLF becomes LF; a bare CR or LF
    /// stays as it is. This is how a Maildir stores it.
    public var dataWithLFLineEnds: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(data.count)
        forEachRunWithLFLineEnds { result.append(contentsOf: $0) }
        return result
    }

    /// Hands over `dataWithLFLineEnds` as runs of `data` without copying it:
    /// the bytes between the CRs of CRLFs, in order, none empty. A writer
    /// can stream a large message with no second copy in memory.
    func forEachRunWithLFLineEnds<Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        try data.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(Failure) in
            let bytes = UnsafeRawBufferPointer(buffer)
            guard let base = bytes.baseAddress else { return }
            var start = 0
            var searchFrom = 0
            // memchr finds each CR; runs between them go over whole.
            while searchFrom < bytes.count, let found = memchr(base + searchFrom, 13, bytes.count - searchFrom) {
                let index = base.distance(to: UnsafeRawPointer(found))
                searchFrom = index + 1
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { continue }
                if index > start { try body(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
            }
            if start < bytes.count { try body(UnsafeRawBufferPointer(rebasing: bytes[start...])) }
        }
    }
}
