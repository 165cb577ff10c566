import ExampleSupport
import SMTP

/// A delivery handler in front of another: it logs one line for each
/// message, delivered or rejected by the handler behind it, with the reply.
/// The line tells the envelope and the size, never the content:
///
/// ```
/// 127.0.0.1:50312: message from <a@example.com> to <b@example.com> (1234 bytes) delivered: 250 OK
/// ```
final class DeliveryLog: SMTPDeliveryHandler {
    private let handler: any SMTPDeliveryHandler
    private let log: Log

    init(_ handler: any SMTPDeliveryHandler, log: Log) {
        self.handler = handler
        self.log = log
    }

    func deliver(_ message: SMTPMessage) -> SMTPReply {
        let reply = handler.deliver(message)
        let recipients = message.recipients.map { "<\($0)>" }.joined(separator: ", ")
        let fate = reply.isPositive ? "delivered" : "rejected"
        log("\(message.peer): message from <\(message.mailFrom)> to \(recipients) (\(message.data.count) bytes) \(fate): \(reply.code) \(reply.lines.joined(separator: " "))")
        return reply
    }
}
