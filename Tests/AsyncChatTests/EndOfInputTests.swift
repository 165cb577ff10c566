import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// When the peer finishes sending (a half-close), every complete frame is
/// delivered, the replies are flushed, the unterminated rest is handed to
/// handleUnterminatedInput, and only then does the channel close.
@Suite("End of input")
struct EndOfInputTests {
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func halfCloseDeliversLinesFlushesRepliesThenCloses(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("a\r\n\r\nb\r\nunterminated\r")
        for cuts in style.cutPlans(length: stream.count) {
            let (local, peer) = try Socket.pair()
            defer { peer.close() }
            let channel = try RecordingChannel(socket: local, loop: loop)
            channel.onFrame = { channel, frame in channel.push(bytes("ok ") + frame + bytes("\r\n")) }
            try ChunkedFeeder(peer: peer, loop: loop).feed(stream, splitAt: cuts, into: channel)
            try peer.shutdown(.write)
            let reader = PeerReader(peer)
            try reader.readToEnd(loop: loop)
            #expect(reader.received == bytes("ok a\r\nok \r\nok b\r\n"), "cut at \(cuts)")
            #expect(channel.frames == [bytes("a"), [], bytes("b")], "cut at \(cuts)")
            #expect(channel.unterminatedTails == [bytes("unterminated\r")], "cut at \(cuts)")
            #expect(channel.journal == ["frame", "frame", "frame", "tail", "close"], "cut at \(cuts)")
            #expect(!channel.isOpen)
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func endOfInputAfterACompleteFrameReportsNoTail(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let channel = try frameStream(bytes("a\r\n"), cuts: [], loop: loop) { _ in }
        #expect(channel.frames == [bytes("a")])
        #expect(channel.journal == ["frame", "close"])
    }

    /// Replies the peer has not read yet when its end of input arrives are
    /// still all sent before the close.
    @Test(arguments: PollerBackend.allCases)
    func endOfInputWaitsForBlockedReplies(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let reply = patternBytes(2 << 20)
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.highWatermark = 8 << 20
        channel.onFrame = { channel, _ in channel.push(reply) }
        try peer.sendAll(bytes("big\r\n"), loop: loop)
        try peer.shutdown(.write)
        try loop.run(until: { channel.inputClosed })
        for _ in 0..<5 { try loop.runPass(timeout: .zero) }
        #expect(channel.isOpen)
        #expect(channel.queuedOutputCount > 0)
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(sameBytes(reader.received, reply))
        #expect(channel.journal == ["frame", "close"])
    }

    /// The peer sends thousands of requests and its end of input without
    /// reading the replies: frames wait while the output is full, the end of
    /// input waits behind them, and once the peer reads it gets every reply,
    /// then the close; the tail is reported after the last frame.
    @Test(arguments: PollerBackend.allCases)
    func endOfInputWaitsBehindFramesHeldForFullOutput(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.highWatermark = 32 << 10
        channel.lowWatermark = 8 << 10
        let requests = (0..<2000).map { bytes("request \($0)") }
        let reply = { (frame: [UInt8]) in frame + [UInt8](repeating: UInt8(ascii: "-"), count: 500) + bytes("\r\n") }
        channel.onFrame = { channel, frame in channel.push(reply(frame)) }
        try peer.sendAll(requests.flatMap { $0 + bytes("\r\n") } + bytes("tail"), loop: loop)
        try peer.shutdown(.write)
        try loop.run(until: { !channel.isWritable && local.unreadCount == 0 })
        for _ in 0..<10 { try loop.runPass(timeout: .zero) }
        #expect(channel.frames.count < requests.count)
        #expect(channel.journal.allSatisfy { $0 == "frame" })
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(sameBytes(reader.received, requests.flatMap(reply)))
        #expect(channel.frames == requests)
        #expect(channel.unterminatedTails == [bytes("tail")])
        #expect(channel.journal.suffix(2) == ["tail", "close"])
    }

    /// A push to a peer that is gone does not call handleClose from inside
    /// push (asynchat's re-entrant close, W-14): the close is reported once
    /// the running hook returns. (Reading is paused, so that the push, not
    /// a read, is what finds the peer gone.)
    @Test(arguments: PollerBackend.allCases)
    func pushToAVanishedPeerReportsTheCloseAfterTheHook(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.pauseReading()
        peer.close()
        loop.schedule(after: .zero) {
            channel.journal.append("pushing")
            channel.push("into the void\r\n")
            channel.journal.append("pushed")
        }
        try loop.run(until: { !channel.isOpen })
        #expect(channel.journal == ["pushing", "pushed", "close"])
        #expect(channel.errors == [])
    }

    /// A peer that resets the connection (TCP RST) ends in handleClose, once,
    /// never in handleError.
    @Test(arguments: PollerBackend.allCases)
    func resetByPeerEndsInHandleClose(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let client = RecordingChannel(loop: loop)
        client.onFrame = { channel, _ in channel.push(patternBytes(256 << 10)) }
        guard let server = try connectOverTCP(client, loop: loop) else { return }
        try server.sendAll(bytes("go\r\n"), loop: loop)
        try loop.run(until: { client.frames.count == 1 })
        var abortOnClose = linger(l_onoff: 1, l_linger: 0)
        setsockopt(server.descriptor, SOL_SOCKET, SO_LINGER, &abortOnClose, socklen_t(MemoryLayout<linger>.size))
        server.close()
        try loop.run(until: { !client.isOpen })
        #expect(client.closeCount == 1)
        #expect(client.errors == [])
    }
}
