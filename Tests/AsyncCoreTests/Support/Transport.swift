import AsyncCore
import Glibc
import Synchronization
import Testing

/// The socket families the connection tests run over: loopback IPv4, loopback
/// IPv6 and a Unix-domain path, as CPython's `TestAPI_Use*Sockets` classes do.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ipv4, ipv6, unix

    /// The IP transports, for tests CPython runs only over TCP.
    static let ip: [Transport] = [.ipv4, .ipv6]

    var testDescription: String { rawValue }

    var family: SocketFamily {
        switch self {
        case .ipv4: return .ipv4
        case .ipv6: return .ipv6
        case .unix: return .unix
        }
    }

    /// An address to bind a listener to: port 0 on loopback, or a fresh path.
    func listenAddress() -> SocketAddress {
        switch self {
        case .ipv4: return .ipv4(host: "127.0.0.1", port: 0)
        case .ipv6: return .ipv6(host: "::1", port: 0)
        case .unix: return .unix(path: UnixSocketPath.next())
        }
    }
}

enum UnixSocketPath {
    private static let counter = Atomic<Int>(0)

    /// A path no other test of this process uses; short enough for `sun_path`.
    static func next() -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        let path = "/tmp/asyncore-test-\(getpid())-\(number).sock"
        _ = unlink(path)
        return path
    }
}

/// Removes the socket file a Unix-domain listener left behind.
func removeSocketFile(_ address: SocketAddress) {
    if case .unix(let path) = address, !path.isEmpty { _ = unlink(path) }
}
