import AsyncCore
import Glibc
import TestSupport
import Testing

/// test_asyncore's BaseTestAPI hook tests (T-AC-18 to T-AC-26): a real listener
/// and client on one loop, over IPv4, IPv6 and Unix-domain sockets, with each
/// backend. Every test also checks that no hook it did not expect ran.
@Suite("Connection hooks")
struct ConnectionHookTests {
    private struct DeliberateFailure: Error, Equatable {}

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func handleConnectRunsWhenTheConnectCompletes(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }

        try loop.run(until: { client.count("connect") == 1 })
        #expect(client.connected)
        #expect(Set(client.hooks).isSubset(of: ["connect", "write"]))
        #expect(server.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func overriddenHandleAcceptRunsAndBypassesHandleAccepted(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let listener = HookRecorder(loop: loop)
        try listener.bind(to: address)
        try listener.listen()
        listener.onAccept = { _ in }
        let client = try connectingRecorder(loop: loop, to: listener.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }

        try loop.run(until: { listener.count("accept") >= 1 })
        #expect(Set(listener.hooks) == ["accept"])
        #expect(client.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func defaultHandleAcceptHandsTheConnectionToHandleAccepted(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let listener = HookRecorder(loop: loop)
        try listener.bind(to: address)
        try listener.listen()
        var peers: [SocketAddress] = []
        listener.onAccepted = { _, socket, peer in
            peers.append(peer)
            socket.close()
        }
        let client = try connectingRecorder(loop: loop, to: listener.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }

        try loop.run(until: { listener.count("accepted") == 1 })
        #expect(Set(listener.hooks) == ["accept", "accepted"])
        if transport != .unix {
            #expect(peers == [try client.localAddress])
        }
        #expect(listener.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func handleReadRunsWhenDataArrives(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        server.configure = { handler in
            handler.onWrite = { _ in }
            try handler.send([UInt8](repeating: UInt8(ascii: "x"), count: 1024))
        }
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }
        var received: [UInt8] = []
        client.onRead = { received += try $0.recv(4096) }

        try loop.run(until: { received.count == 1024 })
        #expect(received == [UInt8](repeating: UInt8(ascii: "x"), count: 1024))
        #expect(Set(client.hooks).isSubset(of: ["connect", "write", "read"]))
        #expect(server.accepted.allSatisfy { Set($0.hooks).isSubset(of: ["write"]) })
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func handleWriteRunsOnceConnected(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in }

        try loop.run(until: { client.count("write") >= 1 })
        #expect(client.hooks.first == "connect")
        #expect(client.connected)
        #expect(Set(client.hooks).isSubset(of: ["connect", "write"]))
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func handleCloseRunsOnceWhenThePeerCloses(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        server.configure = { $0.close() }
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.isWritable = false
        client.onRead = { _ = try $0.recv(1024) }

        try loop.run(until: { client.count("close") == 1 })
        try loop.run(timeout: .zero, count: 3)
        #expect(client.count("close") == 1)
        #expect(!client.isOpen)
        #expect(client.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func writingToABrokenConnectionEndsInHandleCloseNotHandleError(backend: PollerBackend, transport: Transport) throws {
        let data = [UInt8](repeating: 0, count: 128)
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        server.configure = { handler in
            handler.isWritable = false
            handler.onRead = {
                _ = try $0.recv(data.count)
                $0.close()
            }
        }
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { try $0.send(data) }
        client.onExpt = { $0.close() }

        try loop.run(until: { !client.isOpen })
        #expect(client.count("close") + client.count("expt") == 1)
        #expect(client.errors.isEmpty)
        #expect(server.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases, Transport.ip)
    func urgentDataRunsHandleExpt(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        server.configure = { handler in
            handler.isWritable = false
            try sendUrgent(try #require(handler.socket), 244)
        }
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.isWritable = false
        var urgent: [UInt8] = []
        client.onExpt = { dispatcher in
            var byte: UInt8 = 0
            let count = try withUnsafeMutableBytes(of: &byte) { raw in
                try dispatcher.socket!.receive(into: raw, flags: .outOfBand)
            }
            if count == 1 { urgent.append(byte) }
        }
        client.onRead = { _ = try $0.recv(1024) }

        try loop.run(until: { !urgent.isEmpty })
        #expect(urgent == [244])
        #expect(client.errors.isEmpty)
        #expect(client.count("close") == 0)
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func anErrorThrownByAHookReachesHandleError(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try RecordingServer(loop: loop, address: address)
        let client = try connectingRecorder(loop: loop, to: server.localAddress)
        client.onConnect = { _ in }
        client.onWrite = { _ in throw DeliberateFailure() }

        try loop.run(until: { client.count("error") == 1 })
        #expect(client.errors.count == 1)
        #expect(client.errors.first as? DeliberateFailure == DeliberateFailure())
        #expect(client.count("close") == 0)
    }
}
