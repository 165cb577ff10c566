import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// Flow control: a peer that does not read cannot grow the channel's memory,
/// and everything arrives intact once it does read.
@Suite("Backpressure and watermarks")
struct BackpressureTests {
    static let replyLength = 1024

    /// A reply of exactly `replyLength` bytes that names its frame.
    static func reply(to frame: [UInt8]) -> [UInt8] {
        let head = bytes("reply to ") + frame
        return head + [UInt8](repeating: UInt8(ascii: "."), count: replyLength - head.count - 2) + bytes("\r\n")
    }

    static func lines(_ range: Range<Int>) -> [[UInt8]] {
        range.map { index in
            let digits = String(index)
            return bytes("line " + String(repeating: "0", count: 5 - digits.count) + digits)
        }
    }

    /// The server answers every line with 1 KiB; the peer sends thousands of
    /// lines and reads nothing. The queue stays within the high watermark
    /// plus one reply (frames already received wait, and the socket is not
    /// read); once the peer reads, every reply arrives, in order, exactly.
    @Test(arguments: PollerBackend.allCases)
    func peerThatDoesNotReadCannotGrowTheQueue(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.highWatermark = 64 << 10
        channel.lowWatermark = 16 << 10
        var mostQueued = 0
        channel.onFrame = { channel, frame in
            channel.push(Self.reply(to: frame))
            mostQueued = max(mostQueued, channel.queuedOutputCount)
        }
        let firstBatch = Self.lines(0..<3000)
        try peer.sendAll(firstBatch.flatMap { $0 + bytes("\r\n") }, loop: loop)
        try loop.run(until: { local.unreadCount == 0 && !channel.isWritable })
        for _ in 0..<20 { try loop.runPass(timeout: .zero) }
        let deliveredWhileStalled = channel.frames.count
        #expect(deliveredWhileStalled < 3000)
        #expect(!channel.readable())

        let secondBatch = Self.lines(3000..<4000)
        try peer.sendAll(secondBatch.flatMap { $0 + bytes("\r\n") }, loop: loop)
        for _ in 0..<20 { try loop.runPass(timeout: .zero) }
        #expect(local.unreadCount == secondBatch.count * 12, "the channel must not read while its output is full")
        #expect(channel.frames.count == deliveredWhileStalled)
        #expect(mostQueued <= channel.highWatermark + Self.replyLength)

        let expected = (firstBatch + secondBatch).flatMap(Self.reply(to:))
        let reader = PeerReader(peer)
        try loop.run(until: {
            reader.drain()
            mostQueued = max(mostQueued, channel.queuedOutputCount)
            return reader.received.count >= expected.count
        })
        #expect(sameBytes(reader.received, expected))
        #expect(channel.frames == firstBatch + secondBatch)
        #expect(mostQueued <= channel.highWatermark + Self.replyLength)
        #expect(channel.writabilityChanges.count >= 2)
        #expect(channel.writabilityChanges.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 1) })
        #expect(channel.isWritable)
    }

    /// With `pausesReadingWhenOutputIsFull` off the channel keeps reading and
    /// delivering; it only reports that it is not writable.
    @Test(arguments: PollerBackend.allCases)
    func channelCanKeepReadingWhileOutputIsFull(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.highWatermark = 64 << 10
        channel.lowWatermark = 16 << 10
        channel.pausesReadingWhenOutputIsFull = false
        channel.onFrame = { channel, frame in channel.push(Self.reply(to: frame)) }
        let batch = Self.lines(0..<1000)
        try peer.sendAll(batch.flatMap { $0 + bytes("\r\n") }, loop: loop)
        try loop.run(until: { channel.frames.count == batch.count })
        #expect(!channel.isWritable)
        #expect(channel.writabilityChanges == [false])
        #expect(channel.readable())
    }

    /// 100 MB from a lazy producer: the peer gets every byte of the pattern,
    /// and the channel never holds more than one produced chunk.
    @Test(arguments: PollerBackend.allCases)
    func hundredMegabyteProducerStreamsWithBoundedQueue(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, remote) = try Socket.pair()
        let channel = try RecordingChannel(socket: local, loop: loop)
        let peer = try StreamingPeer(socket: remote, loop: loop)
        let chunkSize = 1 << 16
        let total = 100 << 20
        let reference = patternBytes((1 << 18) + 251)
        var produced = 0
        var mostQueued = 0
        var mostInFlight = 0
        channel.push(producer: ClosureProducer {
            mostQueued = max(mostQueued, channel.queuedOutputCount)
            mostInFlight = max(mostInFlight, produced - peer.receivedCount)
            guard produced < total else { return nil }
            let offset = produced % 251
            produced += chunkSize
            return Array(reference[offset..<(offset + chunkSize)])
        })
        channel.closeWhenDone()
        var verified = 0
        var mismatchAt: Int?
        peer.onReceive = { received in
            let offset = verified % 251
            let matches = reference.withUnsafeBytes { memcmp($0.baseAddress! + offset, received.baseAddress!, received.count) == 0 }
            if !matches, mismatchAt == nil { mismatchAt = verified }
            verified += received.count
        }
        try loop.run(until: { peer.sawEndOfInput || !peer.isOpen }, limit: .seconds(40))
        #expect(verified == total)
        #expect(mismatchAt == nil)
        #expect(mostQueued <= chunkSize)
        #expect(mostInFlight <= 4 << 20)
        #expect(channel.closeCount == 1)
    }

    /// Past `maxQueuedOutput` the handler hears once; by default the channel
    /// closes (reporting it) and the push that overflowed is refused.
    @Test(arguments: PollerBackend.allCases)
    func outputPastTheLimitEndsTheConnection(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.maxQueuedOutput = 256 << 10
        channel.highWatermark = 8 << 20
        let block = patternBytes(64 << 10)
        var accepted = 0
        var overflowedOnRefusedPush = false
        while accepted < 1000 {
            let overflowsBefore = channel.outputOverflowCount
            if !channel.push(block) {
                overflowedOnRefusedPush = overflowsBefore == 0 && channel.outputOverflowCount == 1
                break
            }
            accepted += 1
        }
        #expect(accepted < 1000)
        #expect(overflowedOnRefusedPush)
        #expect(!channel.isOpen)
        #expect(channel.closeCount == 1)
        #expect(channel.journal == ["output overflow", "close"])
    }
}
