import AsyncCore
import TestSupport
import Testing

/// A listener behind a proxy: connections from trusted addresses must start
/// with a PROXY protocol header; the handler gets the client it names and
/// every byte after it; anything else is closed with a log line while the
/// listener goes on serving.
@Suite("PROXY protocol on a listener")
struct ProxyProtocolTests {
    final class Collector: Dispatcher {
        var received: [UInt8] = []
        override func writable() -> Bool { false }
        override func handleRead() throws {
            try receive { bytes in received += bytes }
        }
        override func handleClose() { close() }
    }

    final class Server: Dispatcher {
        var clients: [(address: SocketAddress, connection: Collector)] = []
        override func writable() -> Bool { false }
        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            clients.append((address, try Collector(socket: socket, loop: loop)))
        }
    }

    struct Setup {
        let loop: EventLoop
        let server: Server
        let address: SocketAddress
        let log: LogLines
    }

    final class LogLines {
        var lines: [String] = []
    }

    func makeServer(trusting ranges: String, timeout: Duration = .seconds(5), backend: PollerBackend = .epoll) throws -> Setup {
        let loop = try EventLoop(backend: backend)
        let log = LogLines()
        loop.logger = { log.lines.append($0) }
        let server = Server(loop: loop)
        server.proxyProtocol = ProxyProtocol(trustedSources: try AddressRange.list(ranges), timeout: timeout)
        try server.listen(on: .ipv4("127.0.0.1", port: 0))
        return Setup(loop: loop, server: server, address: try server.localAddress, log: log)
    }

    func connect(_ setup: Setup) throws -> Socket {
        let client = try Socket.make()
        _ = try client.connect(to: setup.address)
        return client
    }

    static let header = Array("PROXY TCP4 203.0.113.7 192.0.2.1 51000 7007\r\n".utf8)
    static let payload = Array("EHLO client\r\nQUIT\r\n".utf8)

    /// The header and the client's first bytes, written in pieces split at
    /// every position (the loop runs between pieces): the handler gets the
    /// named client and exactly the client's bytes.
    @Test(arguments: PollerBackend.allCases)
    func theHandlerGetsTheNamedClientAndEveryByteAfterTheHeader(backend: PollerBackend) throws {
        let setup = try makeServer(trusting: "127.0.0.0/8,::1/128", backend: backend)
        defer { setup.loop.closeAll() }
        let stream = Self.header + Self.payload
        for cut in 0..<stream.count {
            let client = try connect(setup)
            defer { client.close() }
            try client.sendAll(Array(stream[..<cut]), loop: setup.loop)
            try setup.loop.runPass(timeout: .zero)
            try client.sendAll(Array(stream[cut...]), loop: setup.loop)
            try setup.loop.run(until: { setup.server.clients.count == cut + 1 && setup.server.clients[cut].connection.received.count == Self.payload.count })
            #expect(setup.server.clients[cut].address == .ipv4(host: "203.0.113.7", port: 51000), "cut at \(cut)")
            #expect(setup.server.clients[cut].connection.received == Self.payload, "cut at \(cut)")
        }
        #expect(setup.log.lines.isEmpty)
    }

    @Test func oneByteAtATime() throws {
        let setup = try makeServer(trusting: "127.0.0.1")
        defer { setup.loop.closeAll() }
        let client = try connect(setup)
        defer { client.close() }
        for byte in Self.header + Self.payload {
            try client.sendAll([byte], loop: setup.loop)
            try setup.loop.runPass(timeout: .zero)
        }
        try setup.loop.run(until: { setup.server.clients.first?.connection.received.count == Self.payload.count })
        #expect(setup.server.clients.first?.address == .ipv4(host: "203.0.113.7", port: 51000))
    }

    /// A version 2 health check (`LOCAL`) names no client: the proxy is it.
    @Test func aVersionTwoHealthCheckKeepsTheProxysAddress() throws {
        let setup = try makeServer(trusting: "127.0.0.1")
        defer { setup.loop.closeAll() }
        let client = try connect(setup)
        defer { client.close() }
        try client.sendAll(ProxyHeaderTests.v2(command: 0, family: 0, block: []), loop: setup.loop)
        try setup.loop.run(until: { setup.server.clients.count == 1 })
        #expect(setup.server.clients[0].address.host == "127.0.0.1")
    }

    /// A source not listed is a direct client: no header is expected, and
    /// one that comes is just the client's data.
    @Test func anUntrustedSourceIsADirectClient() throws {
        let setup = try makeServer(trusting: "10.0.0.0/8")
        defer { setup.loop.closeAll() }
        let client = try connect(setup)
        defer { client.close() }
        try client.sendAll(Self.header + Self.payload, loop: setup.loop)
        try setup.loop.run(until: { setup.server.clients.first?.connection.received.count == Self.header.count + Self.payload.count })
        #expect(setup.server.clients[0].address.host == "127.0.0.1")
        #expect(setup.server.clients[0].connection.received == Self.header + Self.payload)
    }

    enum BadStart: String, CaseIterable, CustomTestStringConvertible {
        case noHeader, malformed, oversized, endedEarly
        var testDescription: String { rawValue }
    }

    /// Each bad start is closed with one log line naming the proxy and what
    /// was wrong; the handler never sees it, and the next connection is served.
    @Test(arguments: BadStart.allCases)
    func aBadStartIsClosedWithALogLineAndTheListenerGoesOn(start: BadStart) throws {
        let setup = try makeServer(trusting: "127.0.0.1")
        defer { setup.loop.closeAll() }
        let client = try connect(setup)
        defer { client.close() }
        let expected: ProxyHeaderError
        switch start {
        case .noHeader:
            try client.sendAll(Self.payload, loop: setup.loop)
            expected = .notAProxyHeader
        case .malformed:
            try client.sendAll(Array("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n".utf8), loop: setup.loop)
            expected = .malformed("ports must be 0 to 65535 without leading zeros")
        case .oversized:
            try client.sendAll(Array("PROXY UNKNOWN ".utf8) + [UInt8](repeating: 0x41, count: 200), loop: setup.loop)
            expected = .tooLong(limit: 107)
        case .endedEarly:
            try client.sendAll(Array(Self.header[..<20]), loop: setup.loop)
            try client.shutdown(.write)
            expected = .endedEarly
        }
        try setup.loop.run(until: { !setup.log.lines.isEmpty })
        #expect(setup.log.lines.count == 1)
        #expect(setup.log.lines.first?.hasSuffix(": \(expected); connection closed") == true, "\(setup.log.lines)")
        #expect(setup.log.lines.first?.hasPrefix("proxy: 127.0.0.1:") == true)
        #expect(setup.server.clients.isEmpty)
        try expectServed(setup)
    }

    /// A proxy that never finishes its header is cut off at the time limit.
    @Test func aHeaderNotCompleteInTimeIsClosed() throws {
        let setup = try makeServer(trusting: "127.0.0.1", timeout: .milliseconds(100))
        defer { setup.loop.closeAll() }
        let client = try connect(setup)
        defer { client.close() }
        try client.sendAll(Array(Self.header[..<10]), loop: setup.loop)
        try setup.loop.run(until: { !setup.log.lines.isEmpty })
        #expect(setup.log.lines.first?.hasSuffix(": \(ProxyHeaderError.timedOut); connection closed") == true)
        #expect(setup.server.clients.isEmpty)
        try expectServed(setup)
    }

    private func expectServed(_ setup: Setup, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let good = try connect(setup)
        defer { good.close() }
        try good.sendAll(Self.header + Self.payload, loop: setup.loop)
        try setup.loop.run(until: { setup.server.clients.first?.connection.received.count == Self.payload.count }, sourceLocation: sourceLocation)
    }
}
