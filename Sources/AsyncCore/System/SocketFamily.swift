import Glibc

/// The address family of a socket.
///
/// ```swift
/// let socket = try Socket.make(family: .ipv6)
/// print(try SocketAddress(ip: "::1", port: 25).family)   // ipv6
/// ```
public enum SocketFamily: Sendable, Hashable, CaseIterable {
    /// IPv4 (`AF_INET`).
    case ipv4
    /// IPv6 (`AF_INET6`).
    case ipv6
    /// Unix-domain sockets (`AF_UNIX`).
    case unix

    /// The C constant.
    var rawValue: Int32 {
        switch self {
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        case .unix: return AF_UNIX
        }
    }

    /// The family of a C constant; nil for a family this library does not handle.
    init?(rawValue: Int32) {
        switch rawValue {
        case AF_INET: self = .ipv4
        case AF_INET6: self = .ipv6
        case AF_UNIX: self = .unix
        default: return nil
        }
    }
}
