/// A delivery handler made of a closure.
///
/// ```swift
/// var received: [SMTPMessage] = []
/// let handler = ClosureHandler { message in
///     received.append(message)
///     return .ok
/// }
/// ```
public final class ClosureHandler: SMTPDeliveryHandler {
    private let body: (SMTPMessage) -> SMTPReply

    /// A handler that calls `body` for every message and sends its reply.
    public init(_ body: @escaping (SMTPMessage) -> SMTPReply) {
        self.body = body
    }

    public func deliver(_ message: SMTPMessage) -> SMTPReply {
        body(message)
    }
}
