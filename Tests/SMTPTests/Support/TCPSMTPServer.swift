import AsyncCore
import SMTP
import Synchronization
import TestSupport

/// An SMTP server on a free port of `host`, on a loop thread of its own, for
/// the tests that talk to it over TCP: the default configuration with host
/// name mx.test, accepting every message as `smtp-server --discard` does,
/// and recording each one.
final class TCPSMTPServer: Sendable {
    /// What the loop thread hands over: the messages.
    private final class Shared: Sendable {
        let messages = Mutex<[SMTPMessage]>([])
    }

    private let server: ServerThread
    private let shared = Shared()

    /// - Throws: what listening threw, such as `EADDRNOTAVAIL` for `::1` on a machine without IPv6.
    init(host: String = "127.0.0.1") throws {
        let shared = self.shared
        server = try ServerThread { loop in
            let handler = ClosureHandler { message in
                shared.messages.withLock { $0.append(message) }
                return .ok
            }
            let server = try SMTPServer(configuration: .testing(), handler: handler, loop: loop)
            try server.listen(on: try SocketAddress(ip: host, port: 0))
            return try server.localAddress.port ?? 0
        }
    }

    var port: UInt16 { server.port }

    /// The messages accepted so far, in order.
    var delivered: [SMTPMessage] {
        shared.messages.withLock { $0 }
    }
}
