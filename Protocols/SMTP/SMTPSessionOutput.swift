/// What an ``SMTPSession`` asks its caller to do after a line.
public enum SMTPSessionOutput: Sendable {
    /// Nothing: a line of message content was taken.
    case none
    /// Send this reply.
    case reply(SMTPReply)
    /// Send these replies, in order (LMTP's replies after a message).
    case replies([SMTPReply])
    /// Send this reply, then close the connection (QUIT, or too many errors).
    case replyAndClose(SMTPReply)
    /// Send this reply in the clear, then start TLS (`STARTTLS`): drop
    /// whatever else the client sent before the handshake, and read nothing
    /// more until TLS is up (`ChatChannel.upgradeWhenDone(to:)` does both).
    /// The session has already forgotten the client's greeting.
    case replyAndStartTLS(SMTPReply)
    /// Ask the handler, and give its decision to
    /// ``SMTPSession/answer(_:)``, which returns what to send. The session
    /// reads nothing more until then.
    case ask(SMTPQuestion)
}

/// What an ``SMTPSession`` needs its handler to decide; each case is one
/// hook of ``SMTPHandler``.
public enum SMTPQuestion: Sendable {
    /// ``SMTPHandler/hello(_:answer:)``.
    case hello(SMTPHello)
    /// ``SMTPHandler/mailFrom(_:answer:)``.
    case mailFrom(SMTPTransaction)
    /// ``SMTPHandler/recipient(_:options:of:answer:)``.
    case recipient(String, options: [String], of: SMTPTransaction)
    /// ``SMTPHandler/endOfData(_:answer:)``.
    case endOfData(SMTPMessage)
}
