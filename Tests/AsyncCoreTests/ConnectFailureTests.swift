import AsyncCore
import Glibc
import TestSupport
import Testing

/// Connects that fail: the error reaches `handleError` as a typed
/// `SystemError` of call `.connect`, `handleConnect` never runs, and the
/// dispatcher ends up closed even when `handleError` does not close it.
@Suite("Connect failures")
struct ConnectFailureTests {
    /// Records what happened and, unlike the default, does not close in `handleError`.
    final class FailureRecorder: Dispatcher {
        var errors: [any Error] = []
        var connects = 0
        var closes = 0
        override func readable() -> Bool { false }
        override func writable() -> Bool { false }
        override func handleConnect() throws { connects += 1 }
        override func handleClose() { closes += 1; close() }
        override func handleError(_ error: any Error) { errors.append(error) }
    }

    /// A socket bound to an address of `transport` that does not listen: a
    /// connect to it is refused, and the address cannot be taken meanwhile.
    private func refusingAddress(_ transport: Transport) throws -> (Socket, SocketAddress) {
        let socket = try Socket.make(family: transport.family)
        try socket.bind(to: transport.listenAddress())
        return (socket, try socket.localAddress())
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func aRefusedConnectReachesHandleErrorThenCloses(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (reserved, target) = try refusingAddress(transport)
        defer { reserved.close(); removeSocketFile(target) }
        let client = FailureRecorder(loop: loop)
        try client.connect(to: target)

        try loop.run(until: { !client.isOpen })
        #expect(client.errors.count == 1)
        // A Unix-domain connect fails at once, naming the path; a TCP one fails later.
        let path = transport == .unix ? target.host : nil
        #expect(client.errors.first as? SystemError == SystemError(.connect, errno: .connectionRefused, path: path))
        #expect(client.connects == 0)
        #expect(!client.connecting && !client.connected)
        #expect(loop.dispatchers.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func connectingToAMissingUnixPathFailsWithENOENT(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let client = FailureRecorder(loop: loop)
        let path = UnixSocketPath.next()
        try client.connect(to: .unix(path: path))

        try loop.run(until: { !client.isOpen })
        #expect(client.errors.map { $0 as? SystemError } == [SystemError(.connect, errno: .noSuchFileOrDirectory, path: path)])
        #expect(client.connects == 0)
    }

    @Test(arguments: PollerBackend.allCases)
    func theDefaultHandleErrorLogsTheRefusalAndCloses(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let capture = LogCapture(loop)
        let (reserved, target) = try refusingAddress(.ipv4)
        defer { reserved.close() }
        let client = Dispatcher(loop: loop)
        try client.connect(to: target)

        try loop.run(until: { !client.isOpen })
        #expect(capture.lines.count == 1)
        let line = try #require(capture.lines.first)
        #expect(line.hasPrefix("error: uncaptured error, closing channel <Dispatcher fd "))
        #expect(line.hasSuffix(">: connect failed: Connection refused (ECONNREFUSED)"))
    }

    @Test(arguments: PollerBackend.allCases)
    func aUnixListenerWithAFullBacklogFailsTheConnectInsteadOfFakingIt(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let address = Transport.unix.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let listener = HookRecorder(loop: loop)
        listener.isReadable = false
        try listener.bind(to: address)
        try listener.listen(backlog: 1)
        let clients = try (0..<4).map { _ in
            let client = FailureRecorder(loop: loop)
            try client.connect(to: address)
            return client
        }

        try loop.run(until: { clients.allSatisfy { !$0.connecting } })
        for client in clients where client.connected {
            #expect(try client.peerAddress == address)
        }
        let refused = clients.filter { !$0.errors.isEmpty }
        #expect(!refused.isEmpty)
        for client in refused {
            #expect(client.errors.map { $0 as? SystemError } == [SystemError(.connect, errno: .wouldBlock, path: address.host)])
            #expect(client.connects == 0)
            #expect(!client.isOpen)
        }
        #expect(clients.filter { $0.connects == 1 }.count + refused.count == clients.count)
    }

    @Test(arguments: PollerBackend.allCases)
    func aFailedConnectIsNotBlamedOnTheNextConnectOfTheSameDispatcher(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let address = Transport.unix.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        let client = FailureRecorder(loop: loop)
        try client.connect(to: .unix(path: UnixSocketPath.next()))
        client.close()
        try client.connect(to: try server.localAddress)

        try loop.run(until: { client.connects == 1 || !client.errors.isEmpty })
        #expect(client.errors.isEmpty)
        #expect(client.connected)
    }
}
