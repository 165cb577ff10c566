import AsyncCore
import Glibc
import TestSupport
import Testing

/// test_asyncore's BaseTestAPI state and socket tests (T-AC-27 to T-AC-30).
@Suite("Connection state and socket options")
struct ConnectionStateTests {
    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func acceptingAndConnectedFollowTheConnectionsLife(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }

        #expect(!server.connected)
        #expect(server.accepting)
        #expect(!client.accepting)
        #expect(client.connecting)

        try loop.run(until: { client.connected })
        #expect(!server.connected)
        #expect(server.accepting)
        #expect(client.connected)
        #expect(!client.accepting)
        #expect(!client.connecting)

        client.close()
        #expect(!server.connected)
        #expect(server.accepting)
        #expect(!client.connected)
        #expect(!client.accepting)

        server.close()
        #expect(!server.connected)
        #expect(!server.accepting)
        #expect(loop.dispatchers.allSatisfy { $0 !== server && $0 !== client })
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func createSocketMakesANonBlockingCloseOnExecStreamSocketOfTheFamily(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let dispatcher = Dispatcher(loop: loop)
        try dispatcher.createSocket(family: transport.family)
        let socket = try #require(dispatcher.socket)

        let (family, type) = try socket.familyAndType()
        #expect(family == transport.family)
        #expect(type == .stream)
        #expect(fcntl(socket.descriptor, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(socket.descriptor, F_GETFD) & FD_CLOEXEC != 0)
        #expect(loop.dispatchers.contains { $0 === dispatcher })
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func bindingAnAddressInUseFailsWithEADDRINUSE(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let first = Dispatcher(loop: loop)
        try first.createSocket(family: transport.family)
        try first.bind(to: address)
        try first.listen(backlog: 5)
        let bound = try first.localAddress

        let second = Dispatcher(loop: loop)
        try second.createSocket(family: transport.family)
        #expect(throws: SystemError(.bind, errno: .addressInUse, path: transport == .unix ? bound.host : nil)) {
            try second.bind(to: bound)
        }
    }

    @Test(arguments: PollerBackend.allCases, Transport.ip)
    func setReuseAddressTurnsOnSO_REUSEADDR(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let dispatcher = try Dispatcher(socket: try Socket.make(family: transport.family), loop: loop)
        #expect(try dispatcher.socket!.option(.reuseAddress) == 0)

        dispatcher.close()
        try dispatcher.createSocket(family: transport.family)
        try dispatcher.setReuseAddress()
        #expect(try dispatcher.socket!.option(.reuseAddress) != 0)
    }
}
