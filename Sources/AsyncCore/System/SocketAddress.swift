import CSystem
import Glibc

/// An IPv4, IPv6 or Unix-domain socket address.
///
/// ```swift
/// let local = SocketAddress.ipv4("127.0.0.1", port: 8025)   // numeric only, never blocks
/// let v6 = try SocketAddress(ip: "::1", port: 0)
/// let path = try SocketAddress(unixPath: "/tmp/echo.sock")
/// let resolved = try SocketAddress.resolve(host: "localhost", port: 80)
/// print(local)   // 127.0.0.1:8025
/// ```
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    case ipv4(host: String, port: UInt16)
    case ipv6(host: String, port: UInt16)
    case unix(path: String)

    /// A numeric IPv4 address; `"0.0.0.0"` binds every interface.
    /// Traps on text that is not a dotted quad: use ``init(ip:port:)`` for input.
    public static func ipv4(_ host: String = "127.0.0.1", port: UInt16) -> SocketAddress {
        precondition((try? SocketAddress(ip: host, port: port))?.family == .ipv4, "not an IPv4 address: \(host)")
        return .ipv4(host: host, port: port)
    }

    /// A numeric IPv4 or IPv6 address, decided by its text.
    /// - Throws: ``AddressError/notNumeric(_:)`` when the text is neither.
    public init(ip: String, port: UInt16) throws(AddressError) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, ip, &v4) == 1 {
            self = .ipv4(host: ip, port: port)
        } else if inet_pton(AF_INET6, ip, &v6) == 1 {
            self = .ipv6(host: ip, port: port)
        } else {
            throw .notNumeric(ip)
        }
    }

    /// A Unix-domain socket path.
    /// - Throws: ``AddressError/unixPathTooLong(_:)`` past 107 bytes.
    public init(unixPath: String) throws(AddressError) {
        guard unixPath.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw .unixPathTooLong(unixPath)
        }
        self = .unix(path: unixPath)
    }

    /// Resolves a host name or numeric address to stream-socket addresses with
    /// `getaddrinfo`. This blocks while the resolver works: resolve before the
    /// loop runs, or use numeric addresses inside it.
    public static func resolve(host: String, port: UInt16) throws(AddressError) -> [SocketAddress] {
        if let numeric = try? SocketAddress(ip: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            throw .resolution(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var entry = list
        while let info = entry {
            if let address = info.pointee.ai_addr,
               let decoded = try? SocketAddress(address, length: info.pointee.ai_addrlen),
               !found.contains(decoded) {
                found.append(decoded)
            }
            entry = info.pointee.ai_next
        }
        guard !found.isEmpty else { throw .noAddresses(host: host) }
        return found
    }

    /// The address family: `.ipv4`, `.ipv6` or `.unix`.
    public var family: SocketFamily {
        switch self {
        case .ipv4: return .ipv4
        case .ipv6: return .ipv6
        case .unix: return .unix
        }
    }

    /// The path of a Unix-domain address, for naming it in a ``SystemError``.
    var unixPath: String? {
        if case .unix(let path) = self { return path }
        return nil
    }

    /// The port, or nil for a Unix-domain address.
    public var port: UInt16? {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port): return port
        case .unix: return nil
        }
    }

    /// The numeric host (`"127.0.0.1"`, `"::1"`) or the Unix path.
    public var host: String {
        switch self {
        case .ipv4(let host, _), .ipv6(let host, _): return host
        case .unix(let path): return path
        }
    }

    /// `127.0.0.1:25`, `[::1]:25`, or the Unix path.
    public var description: String {
        switch self {
        case .ipv4(let host, let port): return "\(host):\(port)"
        case .ipv6(let host, let port): return "[\(host)]:\(port)"
        case .unix(let path): return path
        }
    }

    /// Decodes a kernel socket address.
    init(_ address: UnsafePointer<sockaddr>, length: socklen_t) throws(AddressError) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
            var addr = v4.sin_addr
            self = .ipv4(host: SocketAddress.text(family: AF_INET, &addr), port: UInt16(bigEndian: v4.sin_port))
        case AF_INET6:
            let v6 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self)
            var addr = v6.sin6_addr
            self = .ipv6(host: SocketAddress.text(family: AF_INET6, &addr), port: UInt16(bigEndian: v6.sin6_port))
        case AF_UNIX:
            let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
            let pathLength = max(0, Int(length) - pathOffset)
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(address) + pathOffset, count: pathLength)
            let path = bytes.prefix { $0 != 0 }
            self = .unix(path: String(decoding: path, as: UTF8.self))
        default:
            throw .unsupportedFamily(Int32(address.pointee.sa_family))
        }
    }

    /// An IP address from its 4 (IPv4) or 16 (IPv6) bytes in network order,
    /// as a PROXY protocol header carries it; nil for any other length.
    init?(ipBytes: UnsafeRawBufferPointer, port: UInt16) {
        switch ipBytes.count {
        case 4:
            var v4 = in_addr()
            withUnsafeMutableBytes(of: &v4) { $0.copyMemory(from: ipBytes) }
            self = .ipv4(host: SocketAddress.text(family: AF_INET, &v4), port: port)
        case 16:
            var v6 = in6_addr()
            withUnsafeMutableBytes(of: &v6) { $0.copyMemory(from: ipBytes) }
            self = .ipv6(host: SocketAddress.text(family: AF_INET6, &v6), port: port)
        default:
            return nil
        }
    }

    private static func text<Address>(family: Int32, _ address: inout Address) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return withUnsafeBytes(of: &address) { raw in
            buffer.withUnsafeMutableBufferPointer { out in
                guard inet_ntop(family, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil else { return "?" }
                return String(cString: out.baseAddress!)
            }
        }
    }

    /// Calls `body` with this address in the kernel's form.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var storage = sockaddr_storage()
        let length: Int
        switch self {
        case .ipv4(let host, let port):
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &v4.sin_addr)
            storage.copyIn(v4)
            length = MemoryLayout<sockaddr_in>.size
        case .ipv6(let host, let port):
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &v6.sin6_addr)
            storage.copyIn(v6)
            length = MemoryLayout<sockaddr_in6>.size
        case .unix(let path):
            var un = sockaddr_un()
            un.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: un.sun_path) - 1
            withUnsafeMutableBytes(of: &un.sun_path) { raw in
                for (index, byte) in path.utf8.prefix(capacity).enumerated() { raw[index] = byte }
            }
            storage.copyIn(un)
            length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + min(path.utf8.count, capacity) + 1
        }
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
        }
    }
}

private extension sockaddr_storage {
    mutating func copyIn<Address>(_ address: Address) {
        withUnsafeMutableBytes(of: &self) { target in
            withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
        }
    }
}
