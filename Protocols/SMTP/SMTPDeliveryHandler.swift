/// Receives each accepted message and answers for it at once: the simplest
/// ``SMTPHandler``, which leaves every other stage to the server.
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
/// A handler that blocks stalls every session of its loop: keep it short, or
/// implement ``SMTPHandler/endOfData(_:answer:)`` and answer later.
public protocol SMTPDeliveryHandler: SMTPHandler {
    /// Takes one message; returns the reply to its DATA.
    func deliver(_ message: SMTPMessage) -> SMTPReply
}

extension SMTPDeliveryHandler {
    public func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
        answer(.reply(deliver(message)))
    }
}
