/// Why ``EchoOptions`` could not be made.
///
/// ```swift
/// do { _ = try EchoOptions(maxPendingOutput: 0) }
/// catch { print(error) }   // "the pending-output bound must be at least 1 byte, not 0"
/// ```
public enum EchoOptionsError: Error, Hashable, CustomStringConvertible {
    /// The bound on pending output was 0 or negative.
    case maxPendingOutputNotPositive(Int)
    /// The longest line was 0 or negative.
    case maxLineLengthNotPositive(Int)

    public var description: String {
        switch self {
        case .maxPendingOutputNotPositive(let value):
            return "the pending-output bound must be at least 1 byte, not \(value)"
        case .maxLineLengthNotPositive(let value):
            return "the longest line must be at least 1 byte, not \(value)"
        }
    }
}
