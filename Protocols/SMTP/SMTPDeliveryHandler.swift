/// Receives each accepted message and answers for it.
///
/// The server calls ``deliver(_:)`` once per message (not once per
/// recipient), on the event loop's thread, after the client's final `.` and
/// before any reply: the reply it returns is the one the client gets, so a
/// handler that stores the message replies `250` only once it is stored.
/// Return ``SMTPReply/ok`` to accept, or a 4xx/5xx reply to refuse:
///
/// ```swift
/// final class Quota: SMTPDeliveryHandler {
///     var used = 0
///     func deliver(_ message: SMTPMessage) -> SMTPReply {
///         guard used + message.data.count <= 100 << 20 else { return SMTPReply(452, "Error: mailbox full") }
///         used += message.data.count
///         return .ok
///     }
/// }
/// ```
/// A handler that blocks stalls every session of its loop: keep it short,
/// or hand the message to another thread and accept it first.
public protocol SMTPDeliveryHandler: AnyObject {
    /// Takes one message; returns the reply to its DATA.
    func deliver(_ message: SMTPMessage) -> SMTPReply
}
