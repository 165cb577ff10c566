import AsyncChat
import AsyncCore
import Glibc
import Testing

/// idleTimeout in virtual time (a ManualClock; nothing sleeps): received
/// input postpones it, and by default it closes once output is flushed.
@Suite("Idle timeout")
struct IdleTimeoutTests {
    private func runPasses(_ loop: EventLoop, _ count: Int = 3) throws {
        for _ in 0..<count { try loop.runPass(timeout: .zero) }
    }

    @Test(arguments: PollerBackend.allCases)
    func idleChannelClosesAfterFlushingItsOutput(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in channel.push(bytes("ok ") + frame + bytes("\r\n")) }
        channel.idleTimeout = .seconds(30)

        clock.advance(by: .seconds(29))
        try runPasses(loop)
        #expect(channel.idleTimeoutCount == 0)
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("a\r\n"), splitAt: [], into: channel)

        clock.advance(by: .seconds(29))
        try runPasses(loop)
        #expect(channel.idleTimeoutCount == 0, "input at 29 s moves the deadline to 59 s")
        #expect(channel.isOpen)

        clock.advance(by: .seconds(1))
        try runPasses(loop)
        #expect(channel.idleTimeoutCount == 1)
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(reader.received == bytes("ok a\r\n"))
        #expect(channel.journal == ["frame", "idle", "close"])
        #expect(loop.pendingTimerCount == 0)
    }

    /// A handler that keeps the connection gets another idle period, and
    /// hears again if the peer stays silent.
    @Test(arguments: PollerBackend.allCases)
    func idleTimeoutThatKeepsTheConnectionFiresAgain(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onIdleTimeout = { channel in channel.push("PING\r\n") }
        channel.idleTimeout = .seconds(10)
        for expected in 1...3 {
            clock.advance(by: .seconds(10))
            try runPasses(loop)
            #expect(channel.idleTimeoutCount == expected)
        }
        #expect(channel.isOpen)
        let reader = PeerReader(peer)
        reader.drain()
        #expect(reader.received == bytes("PING\r\nPING\r\nPING\r\n"))
    }

    @Test(arguments: PollerBackend.allCases)
    func clearingIdleTimeoutCancelsIt(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.idleTimeout = .seconds(30)
        #expect(loop.pendingTimerCount == 1)
        channel.idleTimeout = nil
        #expect(loop.pendingTimerCount == 0)
        clock.advance(by: .seconds(300))
        try runPasses(loop)
        #expect(channel.idleTimeoutCount == 0)
        #expect(channel.isOpen)
    }

    /// A client may set its idle timeout before it connects.
    @Test(arguments: PollerBackend.allCases)
    func idleTimeoutSetBeforeConnectingApplies(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        defer { loop.closeAll() }
        let client = RecordingChannel(loop: loop)
        client.idleTimeout = .seconds(30)
        guard let server = try connectOverTCP(client, loop: loop) else { return }
        defer { server.close() }
        clock.advance(by: .seconds(30))
        try runPasses(loop)
        #expect(client.idleTimeoutCount == 1)
        #expect(!client.isOpen)
    }

    @Test(arguments: PollerBackend.allCases)
    func closingCancelsTheIdleTimer(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.idleTimeout = .seconds(30)
        channel.close()
        #expect(loop.pendingTimerCount == 0)
    }
}
