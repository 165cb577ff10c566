import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// A chat channel over a transport layer: bytes go through the layer both
/// ways, input the layer holds is delivered without the socket saying so,
/// output the layer holds is sent before a close, and an upgrade in the
/// middle of a connection (STARTTLS) never reads a byte sent in the clear as
/// if it came through the layer.
@Suite("Transport layers")
struct TransportLayerTests {
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func linesGoThroughALayerFromTheFirstByte(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("one\r\ntwo\r\n\r\nthree\r\n")
        for cuts in style.cutPlans(length: stream.count) {
            let (local, peer) = try Socket.pair()
            defer { peer.close() }
            let channel = try RecordingChannel(socket: local, loop: loop)
            try channel.upgrade(to: XorLayer(socket: local))
            channel.onFrame = { channel, frame in channel.push(bytes("<") + frame + bytes(">")) }
            try ChunkedFeeder(peer: peer, loop: loop).feed(XorLayer.scramble(stream), splitAt: cuts, into: channel)
            let reader = PeerReader(peer)
            try reader.read(count: 19, loop: loop)
            #expect(channel.frames == [bytes("one"), bytes("two"), [], bytes("three")], "cut at \(cuts)")
            #expect(XorLayer.scramble(reader.received) == bytes("<one><two><><three>"), "cut at \(cuts)")
            channel.close()
        }
    }

    /// The layer hands out 3 bytes per read and the socket is drained at
    /// once: every frame still arrives, with no further socket event.
    @Test(arguments: PollerBackend.allCases)
    func inputALayerHoldsIsDeliveredWithoutASocketEvent(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        try channel.upgrade(to: TrickleLayer(socket: local, piece: 3))
        try peer.sendAll(bytes("alpha\r\nbeta\r\ngamma\r\ndelta\r\n"), loop: loop)
        try loop.run(until: { channel.frames.count == 4 })
        #expect(channel.frames == [bytes("alpha"), bytes("beta"), bytes("gamma"), bytes("delta")])
    }

    /// Reading is paused at the first frame, with the rest inside the layer,
    /// and resumed by a timer, outside the channel's own events: the rest
    /// still arrives, though the socket has nothing more to say.
    @Test(arguments: PollerBackend.allCases)
    func inputALayerHoldsArrivesAfterAResumeFromOutside(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        try channel.upgrade(to: TrickleLayer(socket: local, piece: 7))
        channel.onFrame = { channel, frame in
            guard frame == bytes("alpha") else { return }
            channel.pauseReading()
            _ = loop.schedule(after: .milliseconds(1)) { channel.resumeReading() }
        }
        try peer.sendAll(bytes("alpha\r\nbeta\r\ngamma\r\ndelta\r\n"), loop: loop)
        try loop.run(until: { channel.frames.count == 4 })
        #expect(channel.frames == [bytes("alpha"), bytes("beta"), bytes("gamma"), bytes("delta")])
    }

    /// The layer holds every write until the socket is writable: a close
    /// when done waits until the layer has sent it all.
    @Test(arguments: PollerBackend.allCases)
    func aCloseWhenDoneWaitsForOutputTheLayerHolds(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        let layer = HoldingLayer(socket: local)
        try channel.upgrade(to: layer)
        let payload = patternBytes(300_000)
        channel.push(payload)
        channel.closeWhenDone()
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(sameBytes(reader.received, payload), "received \(reader.received.count) of \(payload.count) bytes")
        #expect(layer.flushes > 0)
        #expect(!channel.isOpen)
    }

    /// STARTTLS done safely: the reply to the upgrade command goes out in the
    /// clear, whatever came after the command in the same read (every prefix
    /// of an injected line) is never handled, and what follows goes through
    /// the layer; with the plaintext before it split at every position.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func bytesAfterTheUpgradeCommandInTheSameReadAreDropped(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let command = bytes("hello\r\nUPGRADE\r\n")
        let injected = bytes("RSET\r\n")
        for injectedCount in 0...injected.count {
            let sent = command + injected.prefix(injectedCount)
            // The last cut leaves the command and what follows it in one read.
            for cuts in style.cutPlans(length: command.count) {
                let (local, peer) = try Socket.pair()
                defer { peer.close() }
                let channel = try upgradingChannel(local, loop: loop)
                try ChunkedFeeder(peer: peer, loop: loop).feed(sent, splitAt: cuts, into: channel)
                try expectUpgraded(channel, peer: peer, loop: loop, case: "\(injectedCount) injected bytes, cut at \(cuts)")
            }
        }
    }

    /// Plaintext the peer sends while the reply announcing the upgrade is
    /// still queued (the peer is not reading) is dropped when the layer
    /// starts, never read through it.
    @Test(arguments: PollerBackend.allCases)
    func plaintextSentBeforeTheLayerStartsIsDropped(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try upgradingChannel(local, loop: loop)
        let backlog = patternBytes(600_000)
        channel.push(backlog)
        try peer.sendAll(bytes("hello\r\nUPGRADE\r\n"), loop: loop)
        try loop.run(until: { channel.frames.count == 2 })
        try peer.sendAll(bytes("EARLY\r\nRSET\r\n"), loop: loop)
        try loop.runPass(timeout: .zero)
        let reader = PeerReader(peer)
        try reader.read(count: backlog.count + 19, loop: loop)
        #expect(sameBytes(Array(reader.received[..<backlog.count]), backlog))
        #expect(Array(reader.received[backlog.count...]) == bytes("echo hello\r\nready\r\n"))
        try loop.run(until: { channel.transportLayer != nil })
        try peer.sendAll(XorLayer.scramble(bytes("secret\r\n")), loop: loop)
        try loop.run(until: { channel.frames.count == 3 })
        #expect(channel.frames == [bytes("hello"), bytes("UPGRADE"), bytes("secret")])
    }

    /// A channel that echoes lines and answers `UPGRADE` by starting the XOR layer.
    private func upgradingChannel(_ socket: Socket, loop: EventLoop) throws -> RecordingChannel {
        let channel = try RecordingChannel(socket: socket, loop: loop)
        channel.onFrame = { channel, frame in
            if frame == bytes("UPGRADE") {
                channel.push(bytes("ready\r\n"))
                channel.upgradeWhenDone(to: XorLayer(socket: socket))
            } else {
                channel.push(bytes("echo ") + frame + bytes("\r\n"))
            }
        }
        return channel
    }

    private func expectUpgraded(
        _ channel: RecordingChannel, peer: Socket, loop: EventLoop, case label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reader = PeerReader(peer)
        try reader.read(count: 19, loop: loop, sourceLocation: sourceLocation)
        #expect(reader.received == bytes("echo hello\r\nready\r\n"), "\(label)", sourceLocation: sourceLocation)
        try loop.run(until: { channel.transportLayer != nil }, sourceLocation: sourceLocation)
        try peer.sendAll(XorLayer.scramble(bytes("secret\r\n")), loop: loop)
        try reader.read(count: 19 + 13, loop: loop, sourceLocation: sourceLocation)
        #expect(XorLayer.scramble(Array(reader.received[19...])) == bytes("echo secret\r\n"), "\(label)", sourceLocation: sourceLocation)
        #expect(channel.frames == [bytes("hello"), bytes("UPGRADE"), bytes("secret")], "\(label)", sourceLocation: sourceLocation)
        channel.close()
    }

    @Test func anUpgradeNeedsTheDispatchersOwnSocket() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        let (other, otherPeer) = try Socket.pair()
        defer {
            peer.close()
            other.close()
            otherPeer.close()
        }
        let unopened = RecordingChannel(loop: loop)
        #expect(throws: TransportError.noSocket) { try unopened.upgrade(to: XorLayer(socket: local)) }
        let channel = try RecordingChannel(socket: local, loop: loop)
        #expect(throws: TransportError.layerOverAnotherSocket) { try channel.upgrade(to: XorLayer(socket: other)) }
        try channel.upgrade(to: XorLayer(socket: local))
        #expect(throws: TransportError.notASocketOrLayeredAlready) { try channel.upgrade(to: XorLayer(socket: local)) }
        #expect("\(TransportError.noSocket)" == "cannot add a transport layer: the dispatcher has no socket yet")
    }
}
