/// Why an ``SMTPSink`` gave no message.
///
/// ```swift
/// do {
///     _ = try await sink.nextMessage(within: .seconds(1))
/// } catch let error as SMTPSinkError {
///     print(error)    // no message arrived within 1s
/// }
/// ```
public enum SMTPSinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No message was accepted within the time allowed.
    case noMessage(within: Duration)

    public var description: String {
        switch self {
        case .noMessage(let limit):
            let (seconds, attoseconds) = limit.components
            let time = attoseconds == 0 ? "\(seconds)s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
            return "no message arrived within \(time)"
        }
    }
}
