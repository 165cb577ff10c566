import AsyncCore
import Chat
import Synchronization

/// A chat server on a free loopback port, on a loop thread of its own, for
/// the tests that talk to it over TCP.
final class TCPChatServer {
    private final class PortBox: Sendable {
        let port = Atomic<UInt16>(0)
    }

    let port: UInt16
    private let thread: EventLoopThread

    init() throws {
        let box = PortBox()
        thread = try EventLoopThread { loop in
            let server = try ChatServer(address: .ipv4(port: 0), loop: loop)
            box.port.store(try server.localAddress.port ?? 0, ordering: .releasing)
        }
        port = box.port.load(ordering: .acquiring)
    }

    deinit {
        thread.stop()
    }
}
