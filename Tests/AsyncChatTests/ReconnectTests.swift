import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// A channel that closes and connects again starts the new connection with
/// nothing of the old one, however the old one ended: its first frame is
/// delivered, its pushes are sent, and it reads.
@Suite("Reconnecting a chat channel")
struct ReconnectTests {
    /// How the first connection ends.
    enum FirstEnding: String, CaseIterable, CustomTestStringConvertible {
        case closeWhenDone
        case peerEndOfInput
        case closeAboveTheHighWatermark
        case closeInAnOverlongFrame
        case closeWhileReadingIsPaused
        case closeAfterHalfClose
        case closeWithAPartialTerminatorHeld

        var testDescription: String { rawValue }
    }

    @Test(arguments: FirstEnding.allCases, PollerBackend.allCases)
    func theNextConnectionStartsFresh(ending: FirstEnding, backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let listener = try TestListener()
        let channel = RecordingChannel(loop: loop)
        channel.maxFrameLength = 8
        guard let first = try connect(channel, to: listener, loop: loop) else { return }
        defer { first.close() }
        let firstPeer = PeerReader(first)

        try end(first: ending, of: channel, peer: firstPeer, loop: loop)
        #expect(!channel.isOpen, "the first connection is closed")

        try expectFreshConnection(channel, listener: listener, loop: loop)
    }

    /// The README's pattern: a dispatcher that closes itself and connects
    /// again from its own close hook.
    @Test(arguments: PollerBackend.allCases)
    func reconnectingFromTheCloseHookStartsFresh(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let listener = try TestListener()
        let channel = ReconnectingChannel(loop: loop)
        channel.address = listener.address
        guard let first = try connect(channel, to: listener, loop: loop) else { return }
        // Closed by hand below; closing a number twice could close another test's socket.
        var firstIsOpen = true
        defer { if firstIsOpen { first.close() } }
        // The first connection ends in the middle of a frame, above the high
        // watermark, with its output unsent: none of that may carry over.
        channel.highWatermark = 4
        channel.push(bytes("unsent output\r\n"))
        try first.sendAll(bytes("half a fra"), loop: loop)
        try loop.run(until: { !channel.unframedOrFrameEmpty })
        first.close()
        firstIsOpen = false
        var second: Socket?
        try loop.run(until: {
            if second == nil { second = (try? listener.socket.accept())?.0 }
            return second != nil && channel.reconnects == 1 && channel.connected
        })
        guard let second else { return }
        defer { second.close() }
        channel.highWatermark = 1 << 20
        try second.sendAll(bytes("hello\r\n"), loop: loop)
        let reader = PeerReader(second)
        try reader.read(count: 7, loop: loop)
        #expect(reader.received == bytes("hello\r\n"))
        #expect(channel.frames == [bytes("hello")])
    }

    // MARK: Helpers

    private func end(first ending: FirstEnding, of channel: RecordingChannel, peer: PeerReader, loop: EventLoop) throws {
        let socket = peer.socket
        switch ending {
        case .closeWhenDone:
            channel.onFrame = { channel, _ in
                channel.push(bytes("bye\r\n"))
                channel.closeWhenDone()
            }
            try socket.sendAll(bytes("QUIT\r\n"), loop: loop)
            try peer.readToEnd(loop: loop)
            #expect(peer.received == bytes("bye\r\n"))
        case .peerEndOfInput:
            try socket.sendAll(bytes("last\r\ntail"), loop: loop)
            try socket.shutdown(.write)
            try peer.readToEnd(loop: loop)
            #expect(channel.unterminatedTails == [bytes("tail")])
        case .closeAboveTheHighWatermark:
            channel.highWatermark = 16
            channel.lowWatermark = 8
            var chunk = 0
            // The peer does not read: fill its socket and the channel's queue.
            try loop.run(until: {
                chunk += 1
                channel.push([UInt8](repeating: 65, count: 1 << 16))
                return !channel.isWritable
            })
            channel.close()
        case .closeInAnOverlongFrame:
            try socket.sendAll(bytes("0123456789abcdef"), loop: loop)
            try loop.run(until: { channel.overflowLengths.count == 1 })
            channel.close()
        case .closeWhileReadingIsPaused:
            channel.pauseReading()
            channel.close()
        case .closeAfterHalfClose:
            channel.shutdownOutputWhenDone()
            try peer.readToEnd(loop: loop)
            channel.close()
        case .closeWithAPartialTerminatorHeld:
            channel.terminator = "\r\n.\r\n"
            try socket.sendAll(bytes("body\r\n."), loop: loop)
            try loop.run(until: { channel.collected == [bytes("body")] })
            channel.close()
            channel.terminator = .crlf
        }
    }

    /// Connects again, sends one line and expects it delivered first and
    /// echoed back.
    private func expectFreshConnection(
        _ channel: RecordingChannel, listener: TestListener, loop: EventLoop,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        channel.highWatermark = 1 << 20
        channel.lowWatermark = 1 << 18
        channel.frames = []
        channel.onFrame = { channel, frame in
            #expect(channel.push(frame + bytes("\r\n")), "the new connection takes pushes", sourceLocation: sourceLocation)
        }
        guard let second = try connect(channel, to: listener, loop: loop) else { return }
        defer { second.close() }
        #expect(channel.isWritable, sourceLocation: sourceLocation)
        #expect(channel.queuedOutputCount == 0, sourceLocation: sourceLocation)
        #expect(channel.readable(), "the new connection reads", sourceLocation: sourceLocation)
        try second.sendAll(bytes("hello\r\n"), loop: loop)
        let reader = PeerReader(second)
        try reader.read(count: 7, loop: loop, sourceLocation: sourceLocation)
        #expect(reader.received == bytes("hello\r\n"), sourceLocation: sourceLocation)
        #expect(channel.frames == [bytes("hello")], "the first frame is delivered whole", sourceLocation: sourceLocation)
    }

    private func connect(_ channel: Dispatcher, to listener: TestListener, loop: EventLoop) throws -> Socket? {
        try channel.connect(to: listener.address)
        var accepted: Socket?
        try loop.run(until: {
            if accepted == nil { accepted = (try? listener.socket.accept())?.0 }
            return accepted != nil && channel.connected
        })
        return accepted
    }
}

/// A listening socket on 127.0.0.1 that the test accepts from by hand.
private final class TestListener {
    let socket: Socket
    let address: SocketAddress

    init() throws {
        socket = try Socket.make()
        try socket.bind(to: .ipv4(port: 0))
        try socket.listen(backlog: 8)
        address = try socket.localAddress()
    }

    deinit {
        socket.close()
    }
}

/// Connects again from its own close hook, echoing lines on each connection.
private final class ReconnectingChannel: ChatChannel {
    var address: SocketAddress?
    private(set) var reconnects = 0
    private(set) var frames: [[UInt8]] = []

    var unframedOrFrameEmpty: Bool { incomingData.isEmpty }

    override func foundTerminator() throws {
        let frame = takeIncomingData()
        frames.append(frame)
        push(frame + bytes("\r\n"))
    }

    override func handleClose() {
        close()
        guard reconnects == 0, let address else { return }
        reconnects += 1
        try? connect(to: address)
    }
}
