import AsyncCore
import Glibc
import TestSupport
import Testing

/// `DispatcherWithSend`'s output queue (test_asyncore's
/// DispatcherWithSendTests, T-AC-12, and what W-14 asks beyond it).
@Suite("Dispatcher with send")
struct DispatcherWithSendTests {
    final class Sender: DispatcherWithSend {
        var errors: [any Error] = []
        override func readable() -> Bool { false }
        override func handleConnect() throws {}
        override func handleError(_ error: any Error) { errors.append(error); close() }
    }

    /// A listener whose connections keep every byte they read.
    private func captureServer(loop: EventLoop, address: SocketAddress) throws -> (RecordingServer, () -> [UInt8]) {
        let server = try RecordingServer(loop: loop, address: address)
        var captured: [UInt8] = []
        server.configure = { handler in
            handler.isWritable = false
            handler.onRead = { captured += try $0.recv(65536) }
        }
        return (server, { captured })
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func bytesSentBeforeTheConnectCompletesArriveInOrder(backend: PollerBackend, transport: Transport) throws {
        let data = Array("Suppose there isn't a 16-ton weight?".utf8)
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let (server, captured) = try captureServer(loop: loop, address: address)
        let sender = Sender(loop: loop)
        try sender.connect(to: try server.localAddress)

        #expect(try sender.send(data) == data.count)
        #expect(try sender.send(data) == data.count)
        #expect(try sender.send(Array("\n".utf8)) == 1)
        try loop.run(until: { sender.pendingOutputCount == 0 && captured().count == 2 * data.count + 1 })
        #expect(captured() == data + data + Array("\n".utf8))
        #expect(sender.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func aSendLargerThanTheSocketTakesIsQueuedAndDeliveredWhole(backend: PollerBackend) throws {
        let data = testPattern(count: 4 << 20)
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (server, captured) = try captureServer(loop: loop, address: .ipv4(host: "127.0.0.1", port: 0))
        let sender = Sender(loop: loop)
        try sender.connect(to: try server.localAddress)
        try loop.run(until: { sender.connected })

        #expect(try sender.send(data) == data.count)
        #expect(sender.pendingOutputCount > 0)
        try loop.run(until: { captured().count == data.count })
        #expect(captured() == data)
        #expect(sender.pendingOutputCount == 0)
        #expect(!sender.writable())
    }

    @Test(arguments: PollerBackend.allCases)
    func outputQueuedWhenClosedNeverReachesALaterConnection(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (server, captured) = try captureServer(loop: loop, address: .ipv4(host: "127.0.0.1", port: 0))
        let sender = Sender(loop: loop)
        try sender.connect(to: try server.localAddress)
        try sender.send(Array("meant for the first peer".utf8))
        #expect(sender.pendingOutputCount > 0)
        sender.close()
        #expect(sender.pendingOutputCount == 0)

        try sender.connect(to: try server.localAddress)
        try sender.send(Array("fresh".utf8))
        try loop.run(until: { captured().count >= 5 })
        try loop.run(timeout: .milliseconds(10), count: 3)
        #expect(captured() == Array("fresh".utf8))
    }

    @Test(arguments: PollerBackend.allCases)
    func handleCloseStillSeesTheOutputThatWasNotSent(backend: PollerBackend) throws {
        final class Reporter: DispatcherWithSend {
            var unsentAtClose: Int?
            override func readable() -> Bool { false }
            override func handleClose() {
                unsentAtClose = pendingOutputCount
                close()
            }
        }
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        let reporter = try Reporter(socket: mine, loop: loop)
        try reporter.send(testPattern(count: 8 << 20))
        theirs.close()

        try loop.run(until: { !reporter.isOpen })
        #expect((reporter.unsentAtClose ?? 0) > 0)
        #expect(reporter.pendingOutputCount == 0)
    }
}

/// `count` bytes that repeat only every 251 bytes, so a lost, duplicated or
/// reordered chunk shows up as a mismatch.
func testPattern(count: Int, seed: Int = 0) -> [UInt8] {
    let cycle = (0..<251).map { UInt8(($0 + seed) % 251) }
    var pattern: [UInt8] = []
    pattern.reserveCapacity(count)
    while pattern.count < count {
        pattern.append(contentsOf: cycle.prefix(count - pattern.count))
    }
    return pattern
}
