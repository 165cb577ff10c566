import Glibc

/// A block of IP addresses written in CIDR notation (`127.0.0.0/8`,
/// `::1/128`, `10.0.0.0/8`): the proxies a server trusts, say.
///
/// ```swift
/// let loopback = try AddressRange("127.0.0.0/8")
/// loopback.contains(.ipv4("127.0.0.1", port: 4000))     // true
/// loopback.contains(.ipv4("10.1.2.3", port: 4000))      // false
/// ```
/// An IPv4 range never contains an IPv6 address, IPv4-mapped ones
/// included: list both forms where a proxy may use either.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's bytes: 4 for IPv4, 16 for IPv6.
    private let network: [UInt8]
    /// How many leading bits must match.
    public let prefixLength: Int

    /// Parses `address/prefix`; a bare address means that one address.
    /// - Throws: ``AddressError/notNumeric(_:)`` or
    ///   ``AddressError/invalidRange(_:)`` for anything else.
    public init(_ text: String) throws(AddressError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = AddressRange.bytes(of: String(parts[0])) else { throw .notNumeric(String(parts[0])) }
        let bits = bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parsed >= 0, parsed <= bits,
                  !parts[1].hasPrefix("+") else { throw .invalidRange(text) }
            length = parsed
        }
        // Keep only the prefix, so that 10.1.2.3/8 is the same range as 10.0.0.0/8.
        var masked = bytes
        for index in 0..<masked.count {
            let kept = min(8, max(0, length - index * 8))
            masked[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        network = masked
        prefixLength = length
    }

    /// Parses a comma-separated list (`127.0.0.0/8,::1/128`), as a command line gives it.
    public static func list(_ text: String) throws(AddressError) -> [AddressRange] {
        var ranges: [AddressRange] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            ranges.append(try AddressRange(String(part)))
        }
        return ranges
    }

    /// True when `address` is an IP address inside this range.
    public func contains(_ address: SocketAddress) -> Bool {
        switch address {
        case .ipv4(let host, _), .ipv6(let host, _):
            guard let bytes = AddressRange.bytes(of: host), bytes.count == network.count else { return false }
            for index in 0..<bytes.count {
                let kept = min(8, max(0, prefixLength - index * 8))
                if kept == 0 { return true }
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
                if bytes[index] & mask != network[index] { return false }
            }
            return true
        case .unix:
            return false
        }
    }

    public var description: String {
        let family = network.count == 4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = network.withUnsafeBytes { raw in
            text.withUnsafeMutableBufferPointer { out in inet_ntop(family, raw.baseAddress, out.baseAddress, socklen_t(out.count)) }
        }
        let host = written == nil ? "?" : text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(host)/\(prefixLength)"
    }

    /// The 4 or 16 bytes of a numeric IPv4 or IPv6 address.
    static func bytes(of host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
