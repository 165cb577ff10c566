import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// pauseReading stops both socket reads and the delivery of frames already
/// received; resumeReading delivers those on the next pass, before new input.
@Suite("Pausing and resuming reading")
struct ReadPausingTests {
    @Test(arguments: PollerBackend.allCases)
    func pauseInsideFoundTerminatorHoldsFramesAlreadyReceived(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in
            if frame == bytes("a") { channel.pauseReading() }
        }
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("a\r\nb\r\nc\r\n"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("a")])
        #expect(!channel.readable())

        try peer.sendAll(bytes("d\r\n"), loop: loop)
        for _ in 0..<10 { try loop.runPass(timeout: .zero) }
        #expect(channel.frames == [bytes("a")])
        #expect(local.unreadCount == 3)

        channel.resumeReading()
        #expect(channel.frames == [bytes("a")], "delivery waits for the loop")
        try loop.runPass(timeout: .zero)
        #expect(channel.frames.prefix(3) == [bytes("a"), bytes("b"), bytes("c")])
        try loop.run(until: { channel.frames.count == 4 })
        #expect(channel.frames == [bytes("a"), bytes("b"), bytes("c"), bytes("d")])
    }

    @Test(arguments: PollerBackend.allCases)
    func pausedChannelDoesNotReadTheSocket(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.pauseReading()
        try peer.sendAll(bytes("x\r\ny"), loop: loop)
        for _ in 0..<10 { try loop.runPass(timeout: .zero) }
        #expect(channel.frames == [])
        #expect(local.unreadCount == 4)
        channel.resumeReading()
        try loop.run(until: { channel.frames.count == 1 })
        #expect(channel.frames == [bytes("x")])
        #expect(channel.incomingData == bytes("y")[...])
    }

    /// The end of input waits for the held frames: they are delivered on
    /// resume, then the tail is reported and the channel closes.
    @Test(arguments: PollerBackend.allCases)
    func endOfInputWaitsWhilePaused(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in
            if frame == bytes("a") { channel.pauseReading() }
            channel.push(bytes("ok ") + frame + bytes("\r\n"))
        }
        try peer.sendAll(bytes("a\r\nb\r\ntail"), loop: loop)
        try peer.shutdown(.write)
        try loop.run(until: { channel.frames.count == 1 })
        for _ in 0..<10 { try loop.runPass(timeout: .zero) }
        #expect(channel.isOpen)
        #expect(channel.journal == ["frame"])
        channel.resumeReading()
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(reader.received == bytes("ok a\r\nok b\r\n"))
        #expect(channel.frames == [bytes("a"), bytes("b")])
        #expect(channel.unterminatedTails == [bytes("tail")])
        #expect(channel.journal == ["frame", "frame", "tail", "close"])
    }

    @Test(arguments: PollerBackend.allCases)
    func pauseAndResumeAreIdempotent(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.resumeReading()
        #expect(channel.readable())
        channel.pauseReading()
        channel.pauseReading()
        #expect(!channel.readable())
        channel.resumeReading()
        #expect(channel.readable())
    }
}
