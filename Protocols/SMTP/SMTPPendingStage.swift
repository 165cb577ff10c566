/// A stage of the session waiting for the handler's decision, with what
/// the session needs to finish it.
enum SMTPPendingStage: Sendable {
    case hello(verb: String, name: String, proposed: SMTPReply)
    case mailFrom(SMTPTransaction)
    case recipient(String, options: [String])
    case endOfData(recipients: Int)
}
