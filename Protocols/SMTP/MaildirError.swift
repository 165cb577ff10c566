import Glibc

/// A Maildir operation failed: which one, on which path, and the `errno`.
public struct MaildirError: Error, Hashable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Int32

    public var description: String {
        "\(operation) \(path) failed: \(String(cString: strerror(errno)))"
    }
}
