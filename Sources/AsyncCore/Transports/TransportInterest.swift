/// The readiness a ``TransportLayer`` needs of its socket for itself, whatever
/// the application wants: to read a handshake, or to write bytes it holds.
public struct TransportInterest: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The layer must read from the socket.
    public static let read = TransportInterest(rawValue: 1)
    /// The layer holds bytes the socket has not taken yet.
    public static let write = TransportInterest(rawValue: 2)
}
