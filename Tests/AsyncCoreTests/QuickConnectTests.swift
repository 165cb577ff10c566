import AsyncCore
import Glibc
import Testing

/// test_asyncore's `test_quick_connect` (T-AC-31, bpo-10340): a client that
/// connects and resets at once must not disturb a server running on its own
/// thread; the reset connection ends in `handleClose`, never `handleError`.
@Suite("Quick connect")
struct QuickConnectTests {
    struct Tally: Sendable {
        var address: SocketAddress?
        var accepted = 0
        var closed = 0
        var errors: [String] = []
    }

    final class TalliedEcho: DispatcherWithSend {
        let tally: SharedState<Tally>

        init(socket: Socket, loop: EventLoop, tally: SharedState<Tally>) throws {
            self.tally = tally
            try super.init(socket: socket, loop: loop)
        }

        override func handleRead() throws {
            let bytes = try recv(8192)
            if !bytes.isEmpty { try send(bytes) }
        }

        override func handleClose() {
            tally.update { $0.closed += 1 }
            close()
        }

        override func handleError(_ error: any Error) {
            tally.update { $0.errors.append("\(error)") }
            close()
        }
    }

    final class TalliedEchoServer: Dispatcher {
        let tally: SharedState<Tally>

        init(loop: EventLoop, tally: SharedState<Tally>) {
            self.tally = tally
            super.init(loop: loop)
        }

        override func writable() -> Bool { false }

        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            _ = try TalliedEcho(socket: socket, loop: loop, tally: tally)
            tally.update { $0.accepted += 1 }
        }

        override func handleError(_ error: any Error) {
            tally.update { $0.errors.append("listener: \(error)") }
            close()
        }
    }

    @Test(arguments: PollerBackend.allCases, Transport.ip)
    func aClientThatResetsRightAfterConnectingLeavesTheServerServing(backend: PollerBackend, transport: Transport) throws {
        let tally = SharedState(Tally())
        let address = transport.listenAddress()
        let server = try EventLoopThread(backend: backend) { loop in
            let listener = TalliedEchoServer(loop: loop, tally: tally)
            try listener.bind(to: address)
            try listener.listen()
            let bound = try listener.localAddress
            tally.update { $0.address = bound }
        }
        defer { server.stop() }
        let bound = try #require(tally.current.address)

        let quick = try PeerSocket.connect(to: bound)
        try setLingerZero(quick.socket)
        quick.close()

        let line = Array("still serving\n".utf8)
        let normal = try PeerSocket.connect(to: bound)
        try normal.send(line)
        #expect(try normal.receive(count: line.count) == line)
        normal.close()

        tally.wait(until: { $0.accepted >= 1 && $0.closed == $0.accepted })
        #expect(tally.current.errors.isEmpty)
    }
}
