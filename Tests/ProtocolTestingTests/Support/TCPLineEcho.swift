import AsyncCore
import Synchronization

/// A `LineEcho` server listening on a free loopback port, on a loop thread
/// of its own, for the TCP mode tests.
final class TCPLineEcho {
    private final class Listener: Dispatcher {
        override func writable() -> Bool { false }
        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            _ = try LineEcho(socket: socket, loop: loop)
        }
    }

    private final class PortBox: Sendable {
        let port = Atomic<UInt16>(0)
    }

    let port: UInt16
    private let thread: EventLoopThread

    init() throws {
        let box = PortBox()
        thread = try EventLoopThread { loop in
            let listener = Listener(loop: loop)
            try listener.bind(to: .ipv4(port: 0))
            try listener.listen()
            box.port.store(try listener.localAddress.port ?? 0, ordering: .releasing)
        }
        port = box.port.load(ordering: .acquiring)
    }

    deinit {
        thread.stop()
    }
}
