import AsyncChat
import AsyncCore
import Testing

/// A handler that throws ends the connection through handleError, once;
/// no frame after it is delivered, and what was pushed before it is sent.
@Suite("Errors thrown by handlers")
struct HandlerErrorTests {
    struct ProtocolViolation: Error {}

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func throwingFoundTerminatorClosesTheChannel(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("a\r\nbad\r\nc\r\n")
        for cuts in style.cutPlans(length: stream.count) {
            let (local, peer) = try Socket.pair()
            defer { peer.close() }
            let channel = try RecordingChannel(socket: local, loop: loop)
            channel.ignoredLogTypes.insert("error")
            channel.onFrame = { channel, frame in
                channel.push(bytes("ok ") + frame + bytes("\r\n"))
                if frame == bytes("bad") { throw ProtocolViolation() }
            }
            try ChunkedFeeder(peer: peer, loop: loop).feed(stream, splitAt: cuts, into: channel)
            let reader = PeerReader(peer)
            try reader.readToEnd(loop: loop)
            #expect(channel.frames == [bytes("a")], "cut at \(cuts)")
            #expect(channel.errors == ["ProtocolViolation()"], "cut at \(cuts)")
            #expect(channel.journal == ["frame", "frame", "error", "close"], "cut at \(cuts)")
            #expect(!channel.isOpen)
            #expect(reader.received == bytes("ok a\r\nok bad\r\n"), "cut at \(cuts)")
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func throwingIdleHandlerClosesTheChannel(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.ignoredLogTypes.insert("error")
        channel.onIdleTimeout = { _ in throw ProtocolViolation() }
        channel.idleTimeout = .seconds(5)
        clock.advance(by: .seconds(5))
        try loop.runPass(timeout: .zero)
        #expect(channel.journal == ["idle", "error", "close"])
        #expect(!channel.isOpen)
        #expect(loop.pendingTimerCount == 0)
    }
}
