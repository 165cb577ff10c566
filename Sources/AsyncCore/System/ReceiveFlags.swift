import Glibc

/// Flags for ``Socket/receive(into:flags:)``.
///
/// ```swift
/// let count = try socket.receive(into: buffer, flags: .peek)   // the bytes stay queued
/// ```
public struct ReceiveFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Reads the urgent (out-of-band) byte (`MSG_OOB`).
    public static let outOfBand = ReceiveFlags(rawValue: Int32(MSG_OOB))
    /// Looks at the data without taking it from the queue (`MSG_PEEK`).
    public static let peek = ReceiveFlags(rawValue: Int32(MSG_PEEK))
}
