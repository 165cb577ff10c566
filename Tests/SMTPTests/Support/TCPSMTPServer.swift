import AsyncCore
import SMTP
import Synchronization

/// An SMTP server on a free port of `host`, on a loop thread of its own, for
/// the tests that talk to it over TCP: the default configuration with host
/// name mx.test, accepting every message as `smtp-server --discard` does,
/// and recording each one.
final class TCPSMTPServer: Sendable {
    /// What the loop thread hands over: the bound port, the messages.
    private final class Shared: Sendable {
        let port = Mutex<UInt16>(0)
        let messages = Mutex<[SMTPMessage]>([])
    }

    let port: UInt16
    private let thread: EventLoopThread
    private let shared = Shared()

    /// - Throws: what listening threw, such as `EADDRNOTAVAIL` for `::1` on a machine without IPv6.
    init(host: String = "127.0.0.1") throws {
        let shared = self.shared
        thread = try EventLoopThread { loop in
            let handler = ClosureHandler { message in
                shared.messages.withLock { $0.append(message) }
                return .ok
            }
            let server = try SMTPServer(configuration: .testing(), handler: handler, loop: loop)
            try server.listen(on: try SocketAddress(ip: host, port: 0))
            let bound = try server.localAddress.port ?? 0
            shared.port.withLock { $0 = bound }
        }
        port = shared.port.withLock { $0 }
    }

    deinit {
        thread.stop()
    }

    /// The messages accepted so far, in order.
    var delivered: [SMTPMessage] {
        shared.messages.withLock { $0 }
    }
}
