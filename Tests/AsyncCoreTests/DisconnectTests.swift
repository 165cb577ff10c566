import AsyncCore
import Glibc
import TestSupport
import Testing

/// How a connection ends: `handleClose` exactly once whatever the cause,
/// never `handleError` for a peer that went away, and queued output
/// flushed to a peer that only half-closed.
@Suite("Disconnects")
struct DisconnectTests {
    enum Ending: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The peer closes normally: end of input.
        case endOfInput
        /// The peer closes with `SO_LINGER` 0: `ECONNRESET`.
        case reset
        /// The peer is gone and we write: `EPIPE`.
        case brokenPipe
        var testDescription: String { rawValue }
    }

    /// Counts its closes and errors; reads and discards input.
    final class Ender: DispatcherWithSend {
        var closes = 0
        var errors: [any Error] = []
        var hooksAfterClose = 0
        var keepWriting = false
        override func readable() -> Bool { !keepWriting }
        override func writable() -> Bool { keepWriting || super.writable() }
        override func handleRead() throws {
            if !isOpen { hooksAfterClose += 1 }
            _ = try recv(65536)
        }
        override func handleWrite() throws {
            if !isOpen { hooksAfterClose += 1 }
            if keepWriting { try send(Array("more".utf8)) } else { try super.handleWrite() }
        }
        override func handleClose() {
            if closes > 0 { hooksAfterClose += 1 }
            closes += 1
            close()
        }
        override func handleError(_ error: any Error) { errors.append(error); close() }
    }

    @Test(arguments: PollerBackend.allCases, Ending.allCases)
    func handleCloseRunsExactlyOnce(backend: PollerBackend, ending: Ending) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = ending == .reset ? try tcpPair() : try Socket.pair()
        let dispatcher = try Ender(socket: mine, loop: loop)
        switch ending {
        case .endOfInput:
            try writeAll(theirs.descriptor, Array("last words".utf8))
            theirs.close()
        case .reset:
            try setLingerZero(theirs)
            theirs.close()
        case .brokenPipe:
            dispatcher.keepWriting = true
            theirs.close()
        }

        try loop.run(until: { !dispatcher.isOpen })
        try loop.run(timeout: .zero, count: 3)
        #expect(dispatcher.closes == 1)
        #expect(dispatcher.errors.isEmpty)
        #expect(dispatcher.hooksAfterClose == 0)
    }

    /// Queues a large reply as soon as its peer says anything.
    final class Flooder: DispatcherWithSend {
        let reply: [UInt8]
        var closes = 0
        var errors: [any Error] = []
        var requested = false

        init(socket: Socket, loop: EventLoop, reply: [UInt8]) throws {
            self.reply = reply
            try super.init(socket: socket, loop: loop)
        }

        override func handleRead() throws {
            let bytes = try recv(65536)
            if !bytes.isEmpty, !requested {
                requested = true
                try send(reply)
            }
        }
        override func handleClose() { closes += 1; close() }
        override func handleError(_ error: any Error) { errors.append(error); close() }
    }

    final class FloodServer: Dispatcher {
        let reply: [UInt8]
        var handlers: [Flooder] = []
        init(loop: EventLoop, address: SocketAddress, reply: [UInt8]) throws {
            self.reply = reply
            super.init(loop: loop)
            try bind(to: address)
            try listen()
        }
        override func writable() -> Bool { false }
        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            handlers.append(try Flooder(socket: socket, loop: loop, reply: reply))
        }
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func aClientThatResetsWhileTheServerWritesEndsInOneHandleClose(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try FloodServer(loop: loop, address: address, reply: testPattern(count: 16 << 20))
        let client = Collector(loop: loop)
        try client.connect(to: try server.localAddress)
        try client.send(Array("go\n".utf8))

        try loop.run(until: { client.received.count >= 256 << 10 })
        let flooder = try #require(server.handlers.first)
        #expect(flooder.pendingOutputCount > 0)
        try setLingerZero(try #require(client.socket))
        client.close()

        try loop.run(until: { !flooder.isOpen })
        try loop.run(timeout: .zero, count: 3)
        #expect(flooder.closes == 1)
        #expect(flooder.errors.isEmpty)
        #expect(client.received == Array(testPattern(count: 16 << 20).prefix(client.received.count)))
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func aPeerThatHalfClosesStillReceivesEverythingQueued(backend: PollerBackend, transport: Transport) throws {
        let reply = testPattern(count: 8 << 20, seed: 7)
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = try FloodServer(loop: loop, address: address, reply: reply)
        let client = Collector(loop: loop)
        try client.connect(to: try server.localAddress)
        try client.send(Array("all of it, please\n".utf8))
        try loop.run(until: { client.connected && client.pendingOutputCount == 0 })
        try client.shutdownOutput()

        try loop.run(until: { client.closed })
        let flooder = try #require(server.handlers.first)
        #expect(client.received.count == reply.count)
        #expect(client.received == reply)
        #expect(flooder.inputClosed)
        #expect(flooder.closes == 1)
        #expect(!flooder.isOpen)
        #expect(flooder.errors.isEmpty && client.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func endOfInputWithNothingQueuedClosesAtOnce(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        let dispatcher = try Ender(socket: mine, loop: loop)
        try theirs.shutdown(.write)
        defer { theirs.close() }

        try loop.run(until: { !dispatcher.isOpen })
        #expect(dispatcher.inputClosed)
        #expect(dispatcher.closes == 1)
    }
}
