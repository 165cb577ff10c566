/// What an ``SMTPSession`` asks its caller to do after a line.
public enum SMTPSessionOutput: Sendable {
    /// Nothing: a line of message content was taken.
    case none
    /// Send this reply.
    case reply(SMTPReply)
    /// Send this reply, then close the connection (QUIT, or too many errors).
    case replyAndClose(SMTPReply)
    /// A message is complete: hand it to the delivery handler and send the
    /// reply it returns. The session is already back in command state.
    case deliver(SMTPMessage)
}
