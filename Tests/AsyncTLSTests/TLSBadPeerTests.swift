#if TLS
import AsyncChat
import AsyncCore
import AsyncTLS
import TestSupport
import Testing

/// Peers that do not speak TLS, or stop in the middle: each ends in one
/// clear ``TLSError`` (or a timeout) at the server, no line is handled, and
/// the connection closes.
@Suite("TLS bad peers")
struct TLSBadPeerTests {
    @Test func plaintextToATLSServerFailsTheHandshake() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let end = try TLSServerEnd(loop: loop)
        try end.peer.send(Array("EHLO client.example\r\nQUIT\r\n".utf8), loop: loop)
        try loop.run(until: { end.server.closed })
        #expect(end.server.errors.map { "\($0)" } == ["TLS handshake failed: wrong version number"])
        #expect(end.server.lines.isEmpty)
    }

    @Test(arguments: [1, 2, 3])
    func garbageFailsTheHandshake(seed: UInt64) throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let end = try TLSServerEnd(loop: loop)
        var random = SeededGenerator(seed: seed)
        // A handshake record header, then noise.
        let garbage = [0x16, 0x03, 0x01, 0x00, 0x80] + (0..<128).map { _ in UInt8.random(in: 0...255, using: &random) }
        try end.peer.send(garbage, loop: loop)
        try loop.run(until: { end.server.closed })
        #expect(end.server.errors.count == 1)
        #expect(end.server.errors.first.map { $0 is TLSError } == true, "\(end.server.errors)")
        #expect(end.server.lines.isEmpty)
    }

    @Test func aPeerThatClosesMidHandshakeIsReported() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let end = try TLSServerEnd(loop: loop)
        // The first bytes of a ClientHello record, then the FIN.
        try end.peer.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00], loop: loop)
        try end.peer.socket.shutdown(.write)
        try loop.run(until: { end.server.closed })
        #expect(end.server.errors.compactMap { $0 as? TLSError } == [.closedDuringHandshake])
    }

    /// Bytes that are no record of this connection, after the handshake:
    /// one clear error, the lines before them delivered, none after.
    @Test func garbageAfterTheHandshakeEndsTheConnection() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        pair.client.push("before\r\n")
        try loop.run(until: { pair.client.lines == ["echo before"] })
        // Under the client's layer: an application-data record header and noise.
        let garbage: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x20] + Array(repeating: 0x41, count: 32) + Array("after\r\n".utf8)
        _ = try garbage.withUnsafeBytes { raw in try pair.client.socket?.send(raw) }
        try loop.run(until: { pair.server.closed })
        #expect(pair.server.lines == ["before"])
        #expect(pair.server.errors.map { "\($0)" } == ["TLS connection failed: decryption failed or bad record mac"])
    }

    @Test func aHandshakeThatNeverFinishesTimesOut() throws {
        let clock = ManualClock()
        let loop = try EventLoop(clock: clock)
        defer { loop.closeAll() }
        let end = try TLSServerEnd(loop: loop, handshakeTimeout: .seconds(3))
        try end.peer.send([0x16, 0x03, 0x01], loop: loop)
        try loop.runPass(timeout: .zero)
        clock.advance(by: .milliseconds(2999))
        try loop.runPass(timeout: .zero)
        #expect(end.server.isOpen)
        clock.advance(by: .milliseconds(1))
        try loop.run(until: { end.server.closed })
        #expect(end.server.errors.compactMap { $0 as? TransportError } == [.setupTimedOut(after: .seconds(3))])
        #expect("\(end.server.errors[0])" == "the transport layer's setup (a TLS handshake) did not finish within 3s")
    }

    @Test func aFinishedHandshakeIsNotTimedOut() throws {
        let clock = ManualClock()
        let loop = try EventLoop(clock: clock)
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        pair.client.push("hi\r\n")
        try loop.run(until: { pair.client.lines == ["echo hi"] })
        #expect(loop.pendingTimerCount == 0, "the handshake timers are cancelled")
        clock.advance(by: .seconds(60))
        try loop.runPass(timeout: .zero)
        #expect(pair.server.isOpen && pair.client.isOpen)
    }
}
#endif
