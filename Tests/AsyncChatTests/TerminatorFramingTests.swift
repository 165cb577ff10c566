import AsyncChat
import AsyncCore
import Testing

/// Every kind of terminator frames a stream the same way however the stream
/// is cut into reads: whole, at every single position, and one byte at a time.
@Suite("Terminator framing under every split")
struct TerminatorFramingTests {
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func crlfLinesWithEmptyLineAndTail(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("hello world\r\n\r\nI'm not dead yet!\r\nta\ril"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("hello world"), [], bytes("I'm not dead yet!")], tails: [bytes("ta\ril")])
        ) { $0.terminator = .crlf }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func lfLinesKeepTheirCarriageReturn(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("a\r\nb\n\n\rc"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("a\r"), bytes("b"), []], tails: [bytes("\rc")])
        ) { $0.terminator = .lf }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func nulTerminatedFrames(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            [1, 0, 0, 2, 3, 0, 10, 13, 0, 4], backend: backend, style: style,
            expected: FramingOutcome(frames: [[1], [], [2, 3], [10, 13]], tails: [[4]])
        ) { $0.terminator = .bytes([0]) }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func dotLineTerminatorWithItsPrefixesInTheData(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("line 1\r\n.line 2\r\n\r\n.\r\nnext\r\n.\r\n\r\n."), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("line 1\r\n.line 2\r\n"), bytes("next")], tails: [bytes("\r\n.")])
        ) { $0.terminator = "\r\n.\r\n" }
    }

    /// "abab" overlaps itself: a held "aba" that turns out not to be a
    /// terminator still contains the start of one.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func selfOverlappingTerminator(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("aababxabaababababaab"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("a"), bytes("xaba"), []], tails: [bytes("aab")])
        ) { $0.terminator = "abab" }
    }

    /// A CR right before the LF is dropped, also when the two arrive in
    /// different reads; any other CR stays.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func crlfOrLFAcceptsBothLineEnds(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("a\r\nb\nc\r\r\nd\re\n\r\n\n\rf\r"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("a"), bytes("b"), bytes("c\r"), bytes("d\re"), [], []], tails: [bytes("\rf\r")])
        ) { $0.terminator = .crlfOrLF }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func byteCountEndsOneFrameThenCollectsTheRest(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("hello world\r\n"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("hello ")], tails: [bytes("world\r\n")])
        ) { $0.terminator = .count(6) }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func noTerminatorEndsNoFrame(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("a\r\nb\n"), backend: backend, style: style,
            expected: FramingOutcome(frames: [], tails: [bytes("a\r\nb\n")])
        ) { $0.terminator = .none }
    }

    /// An empty byte string and a zero count behave as no terminator.
    @Test(arguments: PollerBackend.allCases, [Terminator.bytes([]), .count(0)])
    func emptyTerminatorsBehaveAsNone(backend: PollerBackend, terminator: Terminator) throws {
        for style in SplitStyle.allCases {
            try expectFraming(
                bytes("a\r\nb"), backend: backend, style: style,
                expected: FramingOutcome(frames: [], tails: [bytes("a\r\nb")])
            ) { $0.terminator = terminator }
        }
    }

    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func emptyFramesStillEndInFoundTerminator(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("\r\n\r\n\r\n"), backend: backend, style: style,
            expected: FramingOutcome(frames: [[], [], []])
        ) { $0.terminator = .crlf }
    }

    /// A header line announces a body by length; the body is read with a
    /// byte count (CRLFs inside it are data), then lines again.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func lineHeaderSwitchesToByteCountBodyAndBack(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("SIZE 5\r\nhelloafter\r\nSIZE 3\r\n\r\n\rdone\r\nSIZE 2\r\nx"), backend: backend, style: style,
            expected: FramingOutcome(
                frames: [bytes("SIZE 5"), bytes("hello"), bytes("after"), bytes("SIZE 3"), bytes("\r\n\r"), bytes("done"), bytes("SIZE 2")],
                tails: [bytes("x")])
        ) { channel in
            channel.terminator = .crlf
            channel.onFrame = { channel, frame in
                if channel.terminator == Terminator.none {
                    channel.terminator = .crlf
                } else if frame.starts(with: bytes("SIZE ")), let size = Int(String(decoding: frame.dropFirst(5), as: UTF8.self)) {
                    channel.terminator = .count(size)
                }
            }
        }
    }

    /// SMTP: command lines until DATA, the message up to "\r\n.\r\n", then
    /// command lines again, all possibly in one read.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func smtpDataSwitchesToDotTerminatorAndBack(backend: PollerBackend, style: SplitStyle) throws {
        try expectFraming(
            bytes("HELO x\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n..dot\r\n.\r\nQUIT\r\n"), backend: backend, style: style,
            expected: FramingOutcome(frames: [bytes("HELO x"), bytes("DATA"), bytes("Subject: hi\r\n\r\nbody\r\n..dot"), bytes("QUIT")])
        ) { channel in
            channel.terminator = .crlf
            channel.onFrame = { channel, frame in
                channel.terminator = frame == bytes("DATA") ? "\r\n.\r\n" : .crlf
            }
        }
    }

    /// Channels of one loop share its read buffer: partial frames, partial
    /// terminators and byte counts of one survive the other's reads.
    @Test(arguments: PollerBackend.allCases)
    func channelsSharingTheReadBufferKeepTheirOwnPartialFrames(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (localA, peerA) = try Socket.pair()
        let (localB, peerB) = try Socket.pair()
        defer {
            peerA.close()
            peerB.close()
        }
        let a = try RecordingChannel(socket: localA, loop: loop)
        a.terminator = "\r\n.\r\n"
        let b = try RecordingChannel(socket: localB, loop: loop)
        b.terminator = .count(7)
        b.onFrame = { channel, _ in channel.terminator = .count(7) }
        let streamA = bytes("first\r\nbody\r\n.\r\nsecond\r\n.\r\n")
        let streamB = bytes("XXXXXXXYYYYYYYZZZZZZZ")
        let feederA = ChunkedFeeder(peer: peerA, loop: loop)
        let feederB = ChunkedFeeder(peer: peerB, loop: loop)
        for index in 0..<max(streamA.count, streamB.count) {
            if index < streamA.count { try feederA.feed([streamA[index]], splitAt: [], into: a) }
            if index < streamB.count { try feederB.feed([streamB[index]], splitAt: [], into: b) }
        }
        #expect(a.frames == [bytes("first\r\nbody"), bytes("second")])
        #expect(b.frames == [bytes("XXXXXXX"), bytes("YYYYYYY"), bytes("ZZZZZZZ")])
    }

    /// While a byte count runs, `terminator` shows what is still to come.
    @Test(arguments: PollerBackend.allCases)
    func byteCountCountsDownAcrossReads(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.terminator = .count(10)
        let feeder = ChunkedFeeder(peer: peer, loop: loop)
        try feeder.feed(bytes("abcd"), splitAt: [], into: channel)
        #expect(channel.terminator == .count(6))
        #expect(channel.incomingData == bytes("abcd")[...])
        try feeder.feed(bytes("efghi"), splitAt: [], into: channel)
        #expect(channel.terminator == .count(1))
        try feeder.feed(bytes("jk"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("abcdefghij")])
        #expect(channel.terminator == Terminator.none)
        #expect(channel.incomingData == bytes("k")[...])
    }

    @Test func terminatorLiteralsAndDescriptions() {
        let dot: Terminator = "\r\n.\r\n"
        #expect(dot == .bytes([13, 10, 46, 13, 10]))
        #expect(Terminator.crlf == .bytes([13, 10]))
        #expect(Terminator.lf == .bytes([10]))
        #expect(dot.description == "bytes(\\r\\n.\\r\\n)")
        #expect(Terminator.bytes([0, 9, 255]).description == "bytes(\\x00\\t\\xff)")
        #expect(Terminator.count(3).description == "count(3)")
        #expect(Terminator.none.description == "none")
        #expect(Terminator.crlfOrLF.description == "crlfOrLF")
    }
}
