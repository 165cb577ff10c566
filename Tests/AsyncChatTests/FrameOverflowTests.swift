import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// Frames longer than `maxFrameLength`: reported once each, then skipped to
/// the next terminator or ending the connection, with memory bounded.
@Suite("Frame overflow")
struct FrameOverflowTests {
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func overlongFrameIsReportedOnceAndSkippedToTheNextTerminator(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("short\r\n0123456789ABCDEF\r\nok\r\nexactly8\r\n123456789\r\n\r\nlast"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("short"), bytes("ok"), bytes("exactly8"), []], tails: [bytes("last")], overflows: 2)
        ) { channel in
            channel.terminator = .crlf
            channel.maxFrameLength = 8
        }
    }

    /// A length-prefixed protocol: a header line gives a body's length. A
    /// body over the limit is dropped whole, and the terminator the
    /// application chose in the overflow report (the next header line) takes
    /// effect after it, however the stream is cut.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func aTerminatorChosenInTheOverflowReportOfAByteCountAppliesAfterTheBody(backend: PollerBackend, style: SplitStyle) throws {
        let stream = bytes("20\r\n") + [UInt8](repeating: 13, count: 10) + bytes("\r\n\r\n\r\n\r\n\r\n") + bytes("5\r\nhello2\r\nok")
        try expectFraming(
            stream, backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("20"), bytes("5"), bytes("hello"), bytes("2"), bytes("ok")], overflows: 1)
        ) { channel in
            channel.terminator = .crlf
            channel.maxFrameLength = 8
            channel.onFrame = { channel, frame in
                if channel.terminator == .crlf, let length = Int(String(decoding: frame, as: UTF8.self)) {
                    channel.terminator = .count(length)
                } else {
                    channel.terminator = .crlf
                }
            }
            channel.onOverflow = { channel in
                #expect(channel.terminator != .crlf, "the body's count is still in force")
                channel.terminator = .crlf
                #expect(channel.terminator == .crlf, "reads back as set")
            }
        }
    }

    /// An overlong frame cut off by the end of input is not reported again
    /// as unterminated input, not even the partial terminator after it.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func overlongTailIsNotReportedAsUnterminatedInput(backend: PollerBackend, style: SplitStyle) throws {
        for terminator in [Terminator.crlfOrLF, .crlf, "\r\n.\r\n"] {
            try expectFraming(
                bytes("ok\r\n.\r\n0123456789\r"), backend: backend, style: style,
                expected: FramingOutcome(frames: terminator == "\r\n.\r\n" ? [bytes("ok")] : [bytes("ok"), bytes(".")], overflows: 1)
            ) { channel in
                channel.terminator = terminator
                channel.maxFrameLength = 4
            }
        }
    }

    /// With `.close`, the replies queued before the overlong frame are still
    /// sent, then the channel closes; nothing after the overlong frame is
    /// delivered.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func closePolicyFlushesQueuedOutputThenCloses(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("hi\r\n0123456789\r\nafter\r\n")
        for cuts in style.cutPlans(length: stream.count) {
            let (local, peer) = try Socket.pair()
            defer { peer.close() }
            let channel = try RecordingChannel(socket: local, loop: loop)
            channel.maxFrameLength = 8
            channel.frameOverflowPolicy = .close
            channel.onFrame = { channel, frame in channel.push(bytes("reply:") + frame + bytes("\r\n")) }
            try ChunkedFeeder(peer: peer, loop: loop).feed(stream, splitAt: cuts, into: channel)
            let reader = PeerReader(peer)
            try reader.readToEnd(loop: loop)
            #expect(reader.received == bytes("reply:hi\r\n"), "cut at \(cuts)")
            #expect(channel.frames == [bytes("hi")], "cut at \(cuts)")
            #expect(channel.overflowLengths.count == 1, "cut at \(cuts)")
            #expect(!channel.isOpen && channel.closeCount == 1, "cut at \(cuts)")
            #expect(channel.journal == ["frame", "overflow", "close"], "cut at \(cuts)")
        }
    }

    /// The same while the socket is full: the close waits for the peer to
    /// take all of a 1 MiB reply.
    @Test(arguments: PollerBackend.allCases)
    func closePolicyWaitsForBlockedOutput(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let reply = patternBytes(1 << 20)
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.maxFrameLength = 8
        channel.frameOverflowPolicy = .close
        channel.onFrame = { channel, _ in channel.push(reply) }
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("hi\r\n0123456789"), splitAt: [], into: channel)
        #expect(channel.isOpen)
        #expect(channel.queuedOutputCount > 0)
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(sameBytes(reader.received, reply))
        #expect(!channel.isOpen && channel.closeCount == 1)
    }

    /// 10 MB without a terminator: the channel never holds more than
    /// `maxFrameLength` of it, the handler hears once, and the line after it
    /// is delivered.
    @Test(arguments: PollerBackend.allCases)
    func tenMegabytesWithoutTerminatorAreReportedOnceAndSkipped(backend: PollerBackend) throws {
        let run = try streamTenMegabytesWithoutTerminator(backend: backend)
        #expect(run.peerSent == 160 << 16 + 9)
        #expect(run.channel.overflowLengths.count == 1)
        #expect(run.channel.overflowLengths.first.map { $0 > run.channel.maxFrameLength } == true)
        #expect(run.channel.mostIncomingHeld <= run.channel.maxFrameLength)
        #expect(run.channel.frames == [bytes("hello")])
        #expect(run.channel.unterminatedTails == [])
    }

    /// The same stream grows the process by far less than 10 MB. Measured in
    /// a child process, where no test running in parallel allocates.
    @Test(.disabled(if: runningUnderAddressSanitizer, "ASan keeps freed memory resident"))
    func tenMegabytesWithoutTerminatorDoNotGrowTheProcess() async throws {
        let result = try #require(await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            var report = ""
            for backend in PollerBackend.allCases {
                report += "\(try streamTenMegabytesWithoutTerminator(backend: backend).peakResidentGrowth)\n"
            }
            report.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
        })
        let growths = String(decoding: result.standardOutputContent, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(growths.count == PollerBackend.allCases.count)
        for growth in growths {
            #expect(growth < 4 << 20, "resident set grew by \(growth) bytes")
        }
    }
}

/// Streams 10 MiB of "x" and then "\r\nhello\r\n" into a CRLF channel with the
/// default 64 KiB frame limit, sampling the resident set size on every pass.
func streamTenMegabytesWithoutTerminator(backend: PollerBackend) throws
    -> (channel: RecordingChannel, peerSent: Int, peakResidentGrowth: Int) {
    let loop = try EventLoop(backend: backend)
    defer { loop.closeAll() }
    let (local, remote) = try Socket.pair()
    let channel = try RecordingChannel(socket: local, loop: loop)
    channel.terminator = .crlf
    let peer = try StreamingPeer(socket: remote, loop: loop)
    let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
    var blocksLeft = 160
    var trailerSent = false
    peer.source = {
        if blocksLeft > 0 {
            blocksLeft -= 1
            return block
        }
        if trailerSent { return nil }
        trailerSent = true
        return bytes("\r\nhello\r\n")
    }
    peer.shutsDownWhenDone = true
    let baseline = residentBytes()
    var peakGrowth = 0
    try loop.run(until: {
        peakGrowth = max(peakGrowth, residentBytes() - baseline)
        return !channel.isOpen
    }, limit: .seconds(30))
    return (channel, peer.sentCount, peakGrowth)
}
