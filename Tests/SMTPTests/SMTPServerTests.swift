import AsyncCore
import Glibc
import ProtocolTesting
import SMTP
import TestSupport
import Testing

/// Ports of test_smtpd's server-level tests (T-SM-2, 7, 8, 14, 15, 16) and
/// its IPv6 re-run, over real TCP sockets.
@Suite struct SMTPServerTests {
    @Test func decodeDataWithSMTPUTF8IsRefused() throws {
        // T-SM-2 (server) and T-SM-15 (channel)
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let configuration = SMTPConfiguration.testing { $0.decodeData = true; $0.enableSMTPUTF8 = true }
        #expect(throws: SMTPConfigurationError.decodeDataWithSMTPUTF8) {
            _ = try SMTPServer(configuration: configuration, handler: ClosureHandler { _ in .ok }, loop: loop)
        }
        let (serverEnd, client) = try Socket.pair()
        defer { client.close() }
        #expect(throws: SMTPConfigurationError.decodeDataWithSMTPUTF8) {
            _ = try SMTPChannel(
                socket: serverEnd, peer: .unix(path: ""), configuration: configuration,
                handler: ClosureHandler { _ in .ok }, loop: loop)
        }
        #expect(loop.dispatchers.isEmpty, "a refused channel must not stay in the loop (smtpd leaked it)")
    }

    @Test(arguments: [("127.0.0.1", SocketFamily.ipv4), ("::1", .ipv6)])
    func listeningSocketFamily(host: String, family: SocketFamily) throws {
        // T-SM-7, T-SM-8
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = try SMTPServer(configuration: .testing(), handler: ClosureHandler { _ in .ok }, loop: loop)
        do {
            try server.listen(on: try SocketAddress(ip: host, port: 0))
        } catch let error as SystemError where error.errno == .addressNotAvailable || error.errno == .addressFamilyNotSupported {
            return // no IPv6 on this machine
        }
        #expect(try server.socket?.familyAndType().family == family)
    }

    @Test func listenFailureClosesTheServer() throws {
        // T-SM-14: the error comes out unchanged and nothing stays open.
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let first = try SMTPServer(configuration: .testing(), handler: ClosureHandler { _ in .ok }, loop: loop)
        try first.listen(on: .ipv4(port: 0))
        let taken = try first.localAddress
        let second = try SMTPServer(configuration: .testing(), handler: ClosureHandler { _ in .ok }, loop: loop)
        #expect(throws: SystemError(.bind, errno: .addressInUse, path: taken.description)) {
            // Both sockets set SO_REUSEADDR, but a listening port stays taken.
            try second.listen(on: taken)
        }
        #expect(!second.isOpen)
    }

    /// T-SM-16 and T-SM-67 over TCP, on IPv4 and (test_smtpd's IPv6 re-run)
    /// IPv6, with the kit as the client: each run delivers the message, from
    /// a peer of the listening socket's family.
    @Test(arguments: [("127.0.0.1", SocketFamily.ipv4), ("::1", .ipv6)])
    func acceptedSessionDeliversOverTCP(host: String, family: SocketFamily) throws {
        let server: TCPSMTPServer
        do {
            server = try TCPSMTPServer(host: host)
        } catch let error as SystemError where error.errno == .addressNotAvailable || error.errno == .addressFamilyNotSupported {
            return // no IPv6 on this machine
        }
        // Over TCP each run waits 50 ms for stray output: a sample of the splits.
        let report = try transcript("smtpd/tcp-session.txt").run(against: .tcp(host: host, port: server.port), chunking: .all(maxSplits: 8))
        let delivered = server.delivered.map(Delivery.init)
        #expect(delivered.map(\.peer.family) == Array(repeating: family, count: report.runs))
        let expected = Delivery(helo: "example", from: "eggs@example", to: ["spam@example"], data: "data\r\nmore\r\n".utf8)
        #expect(delivered.map { $0.from(.testPeer) } == Array(repeating: expected, count: report.runs))
    }

    @Test func shutDownAnswers421() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = try SMTPServer(configuration: .testing(), handler: ClosureHandler { _ in .ok }, loop: loop)
        try server.listen(on: .ipv4(port: 0))
        let client = LineClient(loop: loop)
        try client.connect(to: try server.localAddress)
        try loop.run(until: { client.text.hasSuffix("\r\n") && server.sessions.count == 1 })
        server.shutDown()
        try loop.run(until: { client.closed })
        #expect(client.text == "220 mx.test ESMTP SwiftAsyncore\r\n421 mx.test Service shutting down\r\n")
        #expect(!server.isOpen)
    }
}

/// A client that sends bytes and keeps everything it receives.
final class LineClient: Dispatcher {
    var received: [UInt8] = []
    var closed = false
    private var pending: [UInt8] = []

    var text: String { String(decoding: received, as: UTF8.self) }

    func queue(_ text: String) throws {
        pending.append(contentsOf: text.utf8)
    }

    override func writable() -> Bool { connecting || !pending.isEmpty }
    override func handleConnect() throws {}
    override func handleWrite() throws {
        guard !pending.isEmpty else { return }
        let sent = try send(pending[...])
        pending.removeFirst(sent)
    }
    override func handleRead() throws { received += try recv(65536) }
    override func handleClose() {
        closed = true
        close()
    }
}
