/// Why a ``SocketAddress`` could not be made.
///
/// ```swift
/// do { _ = try SocketAddress(ip: "not-an-ip", port: 80) }
/// catch { print(error) }   // "not a numeric IPv4 or IPv6 address: not-an-ip"
/// ```
public enum AddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is neither a dotted IPv4 address nor an IPv6 address.
    case notNumeric(String)
    /// A Unix-domain socket path longer than the 107 bytes `sockaddr_un` holds.
    case unixPathTooLong(String)
    /// Name resolution (`getaddrinfo`) failed, with the resolver's message.
    case resolution(host: String, message: String)
    /// Name resolution succeeded but gave no usable stream address.
    case noAddresses(host: String)
    /// A socket address of a family this library does not handle.
    case unsupportedFamily(Int32)
    /// An address range whose prefix length is missing, not a number, or
    /// longer than the address (`10.0.0.0/33`).
    case invalidRange(String)

    public var description: String {
        switch self {
        case .notNumeric(let text): return "not a numeric IPv4 or IPv6 address: \(text)"
        case .unixPathTooLong(let path): return "Unix socket path longer than 107 bytes: \(path)"
        case .resolution(let host, let message): return "cannot resolve \(host): \(message)"
        case .noAddresses(let host): return "\(host) has no IPv4 or IPv6 address"
        case .unsupportedFamily(let family): return "unsupported address family \(family)"
        case .invalidRange(let text): return "not an address range (ADDRESS/PREFIX, as 127.0.0.0/8 or ::1/128): \(text)"
        }
    }
}
