import AsyncCore

/// A server could not listen where it was asked to. The description names
/// the address, then what the system said:
///
/// ```
/// cannot listen on [::1]:7007: bind failed: Address already in use (EADDRINUSE)
/// ```
/// ``ListenAddress/open(_:)`` throws it.
public struct ListenError: Error, CustomStringConvertible {
    /// Where the server tried to listen.
    public let address: SocketAddress
    /// The call that failed.
    public let reason: SystemError

    public init(address: SocketAddress, reason: SystemError) {
        self.address = address
        self.reason = reason
    }

    /// The library's error names the address already; only the reason follows it.
    public var description: String { "cannot listen on \(address): \(reason.call.rawValue) failed: \(reason.reason)" }
}
