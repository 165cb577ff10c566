import AsyncCore

/// Decides, stage by stage, what a server does with a session: whom it
/// serves, which senders and recipients it takes, what it does with the
/// content as it streams in, and the reply to each message.
///
/// Every hook has a default that keeps the server's own behaviour, so a
/// handler implements only the stages it cares about. Hooks run on the event
/// loop's thread, one at a time per session, in the order of the session's
/// commands. Each answers through its ``SMTPAnswer`` — at once, or later
/// from any thread, while the loop serves other sessions:
///
/// ```swift
/// final class Policy: SMTPHandler {
///     let local: Set<String> = ["postmaster@example.com", "alice@example.com"]
///
///     func connect(from client: SocketAddress, answer: SMTPAnswer) {
///         answer(client.host == "192.0.2.66" ? .reply(SMTPReply(554, "Go away")) : .accept)
///     }
///
///     func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
///         answer(local.contains(address) ? .accept : .reply(SMTPReply(550, "No such user here")))
///     }
///
///     func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) {
///         scanner.feed(piece)                  // hash, scan or forward it: it is not kept
///         answer(.accept)
///     }
///
///     func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
///         queue.store(message) { stored in answer(stored ? .accept : .reply(.localError)) }
///     }
/// }
/// ```
/// A handler that only takes finished messages implements
/// ``SMTPDeliveryHandler`` instead.
public protocol SMTPHandler: AnyObject {
    /// Whether ``SMTPMessage/data`` holds the content at the end of data.
    /// A handler that takes the content from ``content(_:of:answer:)`` says
    /// false, and a session then keeps none of it. Default: true.
    var keepsContent: Bool { get }

    /// A client connected. `.accept` greets it (220); a refusal is sent
    /// instead of the greeting (`554` by RFC 5321; then every command but
    /// QUIT is answered 503), and a `421` refusal closes the connection.
    func connect(from client: SocketAddress, answer: SMTPAnswer)

    /// The client said HELO, EHLO or LHLO. A positive reply replaces the
    /// server's (and for EHLO and LHLO decides the extensions offered); a
    /// refusal leaves the client without a greeting.
    func hello(_ hello: SMTPHello, answer: SMTPAnswer)

    /// MAIL FROM was valid; `transaction` holds the sender and parameters.
    /// A refusal leaves no transaction.
    func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer)

    /// RCPT TO was valid: accept or refuse this recipient (`550`, `551`,
    /// `552`, `452`, ...). `transaction.recipients` holds those accepted before.
    func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer)

    /// A piece of the content, after dot-unstuffing (DATA) or as sent (BDAT),
    /// in order, as it arrives; valid only during the call (copy it to keep
    /// it). The next piece waits for the answer. A refusal drops the rest of
    /// the content and is the message's reply at its end.
    func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer)

    /// The message is complete: the reply to its final dot or `BDAT LAST`
    /// (in LMTP one per recipient, see ``SMTPDecision/replies(_:)``).
    func endOfData(_ message: SMTPMessage, answer: SMTPAnswer)

    /// A transaction whose content had started ends without reaching
    /// ``endOfData(_:answer:)``: RSET, a message over the size limit, a
    /// refused content piece, or the client leaving. Drop what was kept of it.
    func abandon(_ transaction: SMTPTransaction)

    /// The connection from `client` ended.
    func disconnect(from client: SocketAddress)
}

extension SMTPHandler {
    public var keepsContent: Bool { true }
    public func connect(from client: SocketAddress, answer: SMTPAnswer) { answer(.accept) }
    public func hello(_ hello: SMTPHello, answer: SMTPAnswer) { answer(.accept) }
    public func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer) { answer(.accept) }
    public func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
        answer(.accept)
    }
    public func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) { answer(.accept) }
    public func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) { answer(.accept) }
    public func abandon(_ transaction: SMTPTransaction) {}
    public func disconnect(from client: SocketAddress) {}
}
