import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// The output side: pushes of every kind leave in push order and exactly,
/// producers are pulled lazily, replies leave in few writes, closeWhenDone
/// flushes before it closes, discardBuffers drops what is buffered.
@Suite("Output queue, producers and closing")
struct OutputTests {
    @Test(arguments: PollerBackend.allCases)
    func pushesOfEveryKindArriveExactlyInPushOrder(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let fileContents = patternBytes(200_000, offset: 7)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(fileContents, to: "contents")
        let channel = try RecordingChannel(socket: local, loop: loop)
        var lines = (1...3).map { bytes("line \($0)\r\n") }.makeIterator()
        #expect(channel.push(bytes("one\r\n")))
        #expect(channel.push(producer: SimpleProducer(bytes("simple producer\r\n"), chunkSize: 3)))
        #expect(channel.push("two\r\n"))
        #expect(channel.push(producer: ClosureProducer { lines.next() }))
        #expect(channel.push(producer: try FileProducer(path: path, chunkSize: 7000)))
        #expect(channel.push(producer: ClosureProducer(chunks: [bytes("a"), [], bytes("never")])))
        #expect(channel.push(bytes("three\r\n")[...]))
        channel.closeWhenDone()
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        let expected = bytes("one\r\nsimple producer\r\ntwo\r\nline 1\r\nline 2\r\nline 3\r\n") + fileContents + bytes("athree\r\n")
        #expect(reader.received.count == expected.count)
        #expect(sameBytes(reader.received, expected))
        #expect(channel.closeCount == 1)
    }

    @Test func fileProducerRefusesAMissingFile() {
        #expect(throws: SystemError(.open, errno: .noSuchFileOrDirectory, path: "/nonexistent/asyncchat-test")) {
            try FileProducer(path: "/nonexistent/asyncchat-test")
        }
    }

    @Test func fileProducerEndsOnAReadErrorAndKeepsIt() throws {
        let producer = try FileProducer(path: "/")
        #expect(producer.more() == nil)
        #expect(producer.readError == SystemError(.read, errno: .isDirectory, path: "/"))
        #expect(producer.more() == nil)
    }

    @Test func simpleProducerHandsOutChunksThenNil() {
        let producer = SimpleProducer(bytes("abcdefghij"), chunkSize: 4)
        #expect(producer.more() == bytes("abcd"))
        #expect(producer.more() == bytes("efgh"))
        #expect(producer.more() == bytes("ij"))
        #expect(producer.more() == nil)
        #expect(producer.more() == nil)
        let tiny = SimpleProducer(bytes("ab"), chunkSize: 0)
        #expect(tiny.more() == bytes("a"))
    }

    /// A producer is asked for more only when its turn comes and the socket
    /// has room, never ahead of time.
    @Test(arguments: PollerBackend.allCases)
    func producerIsPulledOnlyWhenTheSocketHasRoom(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        let blocker = patternBytes(4 << 20)
        channel.push(blocker)
        var pulls = 0
        channel.push(producer: ClosureProducer {
            pulls += 1
            return pulls <= 3 ? bytes("chunk \(pulls)\r\n") : nil
        })
        for _ in 0..<5 { try loop.runPass(timeout: .zero) }
        #expect(pulls == 0)
        channel.closeWhenDone()
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(pulls == 4)
        #expect(sameBytes(reader.received, blocker + bytes("chunk 1\r\nchunk 2\r\nchunk 3\r\n")))
    }

    /// Replies pushed for frames that arrived together leave in one gather
    /// write: on a SOCK_SEQPACKET socket every write is one message.
    @Test(arguments: PollerBackend.allCases)
    func repliesToFramesThatArriveTogetherLeaveInOneWrite(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try socketPair(type: SOCK_SEQPACKET)
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in
            for index in 0..<40 { channel.push(frame + bytes(" \(index)\r\n")) }
        }
        try peer.sendAll(bytes("a\r\nb\r\nc\r\n"), loop: loop)
        let expected = ["a", "b", "c"].flatMap { line in (0..<40).flatMap { bytes("\(line) \($0)\r\n") } }
        let reader = PeerReader(peer)
        try reader.read(count: expected.count, loop: loop)
        #expect(reader.received == expected)
        #expect(reader.readCount == 1)
    }

    /// Outside input handling, a push is sent at once (the documented
    /// write-through), with no loop pass needed.
    @Test(arguments: PollerBackend.allCases)
    func pushOutsideAHandlerIsSentAtOnce(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.push("now\r\n")
        #expect(peer.unreadCount == 5)
        #expect(channel.queuedOutputCount == 0)
    }

    /// Everything pushed before closeWhenDone is sent, later pushes are
    /// refused, then the completion runs and handleClose reports the close.
    @Test(arguments: PollerBackend.allCases)
    func closeWhenDoneFlushesRefusesLaterPushesThenReportsClose(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        let blob = patternBytes(2 << 20)
        #expect(channel.push(blob))
        channel.closeWhenDone { channel.journal.append("completion") }
        #expect(!channel.push("late"))
        #expect(!channel.push(bytes("late")))
        #expect(!channel.push(producer: SimpleProducer(bytes("late"))))
        channel.closeWhenDone { channel.journal.append("second completion") }
        try loop.runPass(timeout: .zero)
        #expect(channel.isOpen)
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(sameBytes(reader.received, blob))
        #expect(channel.journal == ["completion", "close"])
        #expect(!channel.isOpen)
    }

    /// closeWhenDone never reports the close before it returns (asynchat's
    /// close_when_done does not send either): the caller's code after it
    /// still runs on an open channel, and handleClose comes after the hook.
    @Test(arguments: PollerBackend.allCases)
    func closeWhenDoneReportsTheCloseAfterTheCallingHook(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        loop.schedule(after: .zero) {
            channel.push("last words\r\n")
            channel.closeWhenDone { channel.journal.append("completion") }
            channel.journal.append(channel.isOpen ? "returned open" : "returned closed")
        }
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(reader.received == bytes("last words\r\n"))
        #expect(channel.journal == ["returned open", "completion", "close"])
    }

    /// The completion means everything was sent: when the peer resets the
    /// connection first, only handleClose runs, and the completion (which
    /// may well capture the channel) is released with the channel.
    @Test(arguments: PollerBackend.allCases)
    func closeWhenDoneCompletionDoesNotRunWhenThePeerResets(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        weak var released: RecordingChannel?
        do {
            let client = RecordingChannel(loop: loop)
            released = client
            guard let server = try connectOverTCP(client, loop: loop) else { return }
            client.push(patternBytes(16 << 20))
            client.closeWhenDone { client.journal.append("completion") }
            try loop.runPass(timeout: .zero)
            #expect(client.isOpen)
            var abortOnClose = linger(l_onoff: 1, l_linger: 0)
            setsockopt(server.descriptor, SOL_SOCKET, SO_LINGER, &abortOnClose, socklen_t(MemoryLayout<linger>.size))
            server.close()
            try loop.run(until: { !client.isOpen })
            #expect(client.journal == ["close"])
            #expect(client.errors == [])
        }
        #expect(released == nil, "the channel is kept alive by its completion")
    }

    @Test(arguments: PollerBackend.allCases)
    func closeWhenDoneInsideFoundTerminatorSendsTheReplyFirst(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in
            channel.push(bytes("echo ") + frame + bytes("\r\n"))
            if frame == bytes("QUIT") {
                channel.push("bye\r\n")
                channel.closeWhenDone()
            }
        }
        try peer.sendAll(bytes("a\r\nQUIT\r\nnot delivered\r\n"), loop: loop)
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        #expect(reader.received == bytes("echo a\r\necho QUIT\r\nbye\r\n"))
        #expect(channel.frames == [bytes("a"), bytes("QUIT")])
        #expect(channel.closeCount == 1)
    }

    @Test(arguments: PollerBackend.allCases)
    func pushToAClosedChannelIsRefused(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.close()
        #expect(!channel.push("x"))
        #expect(!channel.push(producer: SimpleProducer(bytes("x"))))
        #expect(channel.queuedOutputCount == 0)
    }

    /// A multi-byte character split between reads decodes all the same.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func takeIncomingTextDecodesUTF8OrGivesNil(backend: PollerBackend, style: SplitStyle) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("h\u{e9}llo \u{1F600}\n") + [0xFF, 0xFE, 10] + [10]
        for cuts in style.cutPlans(length: stream.count) {
            var texts: [String?] = []
            let channel = try frameStream(stream, cuts: cuts, loop: loop) { channel in
                channel.terminator = .lf
                channel.onFrame = { channel, _ in texts.append(channel.takeIncomingText()) }
            }
            #expect(texts == ["h\u{e9}llo \u{1F600}", nil, ""], "cut at \(cuts)")
            #expect(channel.frames == [[], [], []], "cut at \(cuts)")
        }
    }

    /// A handler that only looks at `incomingData` still gets each frame on
    /// its own: what it leaves is dropped when foundTerminator returns.
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func frameLeftInTheCollectorIsDroppedAfterFoundTerminator(backend: PollerBackend, style: SplitStyle) throws {
        final class Peeker: ChatChannel {
            var seen: [[UInt8]] = []
            override func foundTerminator() throws { seen.append(Array(incomingData)) }
        }
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let stream = bytes("one\r\ntwo\r\n\r\nthr")
        for cuts in style.cutPlans(length: stream.count) {
            let (local, peer) = try Socket.pair()
            defer { peer.close() }
            let channel = try Peeker(socket: local, loop: loop)
            try ChunkedFeeder(peer: peer, loop: loop).feed(stream, splitAt: cuts, into: channel)
            #expect(channel.seen == [bytes("one"), bytes("two"), []], "cut at \(cuts)")
            #expect(channel.incomingData == bytes("thr")[...], "cut at \(cuts)")
            channel.close()
        }
    }

    /// discardBuffers inside foundTerminator drops the frame's own bytes and
    /// the input received after it, as asynchat's discard_buffers empties
    /// `incoming` and `ac_in_buffer`; input that arrives later is framed as usual.
    @Test(arguments: PollerBackend.allCases)
    func discardBuffersDropsInputAlreadyReceived(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.onFrame = { channel, frame in
            if frame == bytes("RESET") { channel.discardBuffers() }
        }
        let feeder = ChunkedFeeder(peer: peer, loop: loop)
        try feeder.feed(bytes("a\r\nRESET\r\nb\r\nc"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("a"), []])
        #expect(channel.incomingData.isEmpty)
        try feeder.feed(bytes("d\r\n"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("a"), [], bytes("d")])
    }

    /// discardBuffers drops queued output, and a channel that had stopped
    /// reading because of it is writable, and reading, again.
    @Test(arguments: PollerBackend.allCases)
    func discardBuffersDropsQueuedOutputAndRestoresWritability(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.highWatermark = 64 << 10
        channel.lowWatermark = 16 << 10
        let blob = patternBytes(2 << 20)
        channel.push(blob)
        #expect(!channel.isWritable)
        #expect(!channel.readable())
        channel.discardBuffers()
        #expect(channel.queuedOutputCount == 0)
        #expect(channel.isWritable)
        #expect(channel.writabilityChanges == [false, true])
        #expect(channel.readable())
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("ping\r\n"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("ping")])
        channel.push("after\r\n")
        channel.closeWhenDone()
        let reader = PeerReader(peer)
        try reader.readToEnd(loop: loop)
        let sentBeforeDiscard = reader.received.count - 7
        #expect(sentBeforeDiscard > 0 && sentBeforeDiscard < blob.count)
        #expect(sameBytes(Array(reader.received.prefix(sentBeforeDiscard)), Array(blob.prefix(sentBeforeDiscard))))
        #expect(reader.received.suffix(7).elementsEqual(bytes("after\r\n")))
    }
}
