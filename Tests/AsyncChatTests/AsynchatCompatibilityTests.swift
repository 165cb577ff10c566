import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// CPython's test_asynchat (T-CH-1 … T-CH-14), adapted to this API: the client
/// is a channel connected over TCP to 127.0.0.1, the "echo server" is the
/// accepted socket driven by the test. It collects what the client sends up
/// to `QUIT\n`, then echoes the rest back in reads of `chunkSize` bytes.
@Suite("asynchat compatibility (test_asynchat)")
struct AsynchatCompatibilityTests {
    static let quit = bytes("QUIT\n")
    static let sentence = bytes("hello world, I'm not dead yet!\n")

    /// Runs the echo exchange and returns the client once the server has
    /// echoed everything and closed (the client then closes too).
    private func echo(
        backend: PollerBackend, terminator: Terminator, chunkSize: Int = 1,
        push: (RecordingChannel) -> Void
    ) throws -> RecordingChannel? {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let client = RecordingChannel(loop: loop)
        client.terminator = terminator
        guard let server = try connectOverTCP(client, loop: loop, whileConnecting: { push(client) }) else { return nil }
        defer { server.close() }
        let reader = PeerReader(server)
        try loop.run(until: {
            reader.drain()
            return reader.received.firstRange(of: Self.quit) != nil || reader.sawEndOfInput
        })
        var echoed = reader.received
        while let quit = echoed.firstRange(of: Self.quit) { echoed.removeSubrange(quit) }
        let cuts = Array(stride(from: chunkSize, to: echoed.count, by: chunkSize))
        try ChunkedFeeder(peer: server, loop: loop).feed(echoed, splitAt: cuts, into: client)
        try server.shutdown(.write)
        try loop.run(until: { !client.isOpen })
        #expect(client.errors.isEmpty)
        return client
    }

    // T-CH-1, T-CH-2, T-CH-3: terminators of one, two and three bytes, the
    // echo arriving 1, 2 or 3 bytes per read (so terminators split across reads).
    @Test(arguments: PollerBackend.allCases, [
        ("\n", 1), ("\n", 2), ("\n", 3),
        ("\r\n", 1), ("\r\n", 2), ("\r\n", 3),
        ("qqq", 1), ("qqq", 2), ("qqq", 3),
    ])
    func lineTerminatorsOfOneToThreeBytes(backend: PollerBackend, terminatorAndChunk: (String, Int)) throws {
        let (text, chunkSize) = terminatorAndChunk
        let client = try echo(backend: backend, terminator: .bytes(bytes(text)), chunkSize: chunkSize) { client in
            client.push(bytes("hello "))
            client.push(bytes("world" + text))
            client.push(bytes("I'm not dead yet!" + text))
            client.push(Self.quit)
        }
        #expect(client?.frames == [bytes("hello world"), bytes("I'm not dead yet!")])
        #expect(client?.unterminatedTails == [])
    }

    // T-CH-4, T-CH-5: a byte count ends exactly one frame; the rest is
    // collected with no terminator (it comes back here as the unterminated tail).
    @Test(arguments: PollerBackend.allCases, [1, 6])
    func numericTerminatorEndsExactlyOneFrame(backend: PollerBackend, count: Int) throws {
        let client = try echo(backend: backend, terminator: .count(count)) { client in
            client.push(Self.sentence)
            client.push(Self.quit)
        }
        #expect(client?.frames == [Array(Self.sentence.prefix(count))])
        #expect(client?.unterminatedTails == [Array(Self.sentence.dropFirst(count))])
        #expect(client?.terminator == Terminator.none)
    }

    // T-CH-6
    @Test(arguments: PollerBackend.allCases)
    func noneTerminatorCollectsEverythingAndEndsNoFrame(backend: PollerBackend) throws {
        let client = try echo(backend: backend, terminator: .none) { client in
            client.push(Self.sentence)
            client.push(Self.quit)
        }
        #expect(client?.frames == [])
        #expect(client.map { Array($0.collected.joined()) } == Self.sentence)
        #expect(client?.unterminatedTails == [Self.sentence])
    }

    // T-CH-7
    @Test(arguments: PollerBackend.allCases)
    func simpleProducerOutputIsFramedLikePushedBytes(backend: PollerBackend) throws {
        let client = try echo(backend: backend, terminator: .lf) { client in
            client.push(producer: SimpleProducer(bytes("hello world\nI'm not dead yet!\n") + Self.quit, chunkSize: 8))
        }
        #expect(client?.frames == [bytes("hello world"), bytes("I'm not dead yet!")])
    }

    // T-CH-8: asynchat also accepts raw bytes as a producer; here the
    // closest thing is a producer that hands over the whole buffer at once.
    @Test(arguments: PollerBackend.allCases)
    func singleChunkProducerOutputIsFramedLikePushedBytes(backend: PollerBackend) throws {
        let client = try echo(backend: backend, terminator: .lf) { client in
            client.push(producer: ClosureProducer(chunks: [bytes("hello world\nI'm not dead yet!\n") + Self.quit]))
        }
        #expect(client?.frames == [bytes("hello world"), bytes("I'm not dead yet!")])
    }

    // T-CH-9
    @Test(arguments: PollerBackend.allCases)
    func emptyLineIsAnEmptyFrame(backend: PollerBackend) throws {
        let client = try echo(backend: backend, terminator: .lf) { client in
            client.push(bytes("hello world\n\nI'm not dead yet!\n"))
            client.push(Self.quit)
        }
        #expect(client?.frames == [bytes("hello world"), [], bytes("I'm not dead yet!")])
    }

    // T-CH-10: the client closes once its output is sent; the server echoes
    // only after that, so the client frames nothing, and the server got
    // exactly what was pushed before closeWhenDone, then end of input.
    @Test(arguments: PollerBackend.allCases)
    func closeWhenDoneFlushesEverythingPushedBeforeClosing(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let client = RecordingChannel(loop: loop)
        client.terminator = .lf
        guard let server = try connectOverTCP(client, loop: loop, whileConnecting: {
            client.push(bytes("hello world\nI'm not dead yet!\n"))
            client.push(Self.quit)
            client.closeWhenDone()
        }) else { return }
        defer { server.close() }
        try loop.run(until: { !client.isOpen })
        let reader = PeerReader(server)
        try reader.readToEnd(loop: loop)
        #expect(reader.received == bytes("hello world\nI'm not dead yet!\n") + Self.quit)
        // The server echoes only now; the client is gone and frames nothing.
        _ = try? reader.received.withUnsafeBytes { try server.send($0) }
        try loop.runPass(timeout: .zero)
        #expect(client.frames == [])
        #expect(client.closeCount == 1)
    }

    // T-CH-11: every kind of byte sequence can be pushed, and a String as
    // UTF-8. asynchat's `push(10)` and `push('unicode')` raise TypeError;
    // here `push(10)` does not compile (no overload takes an Int), which is
    // the stronger guarantee, so there is no test for it.
    @Test(arguments: PollerBackend.allCases)
    func pushAcceptsAnyByteSequenceAndStrings(backend: PollerBackend) throws {
        let line = bytes("bytes\n")
        let client = try echo(backend: backend, terminator: .lf) { client in
            #expect(client.push(line))
            #expect(client.push(line[...]))
            #expect(client.push(ContiguousArray(line)))
            #expect(client.push("bytes\n".utf8))
            #expect(client.push(line.lazy.map { $0 }))
            #expect(client.push("bytes\n"))
            client.push(Self.quit)
        }
        #expect(client?.frames == Array(repeating: bytes("bytes"), count: 6))
    }

    /// The streams of T-CH-1 … T-CH-9, framed the same whole, at every cut
    /// and byte by byte (the TCP ports above cut them only every 1–3 bytes).
    @Test(arguments: PollerBackend.allCases, SplitStyle.allCases)
    func asynchatStreamsFrameTheSameUnderEverySplit(backend: PollerBackend, style: SplitStyle) throws {
        let cases: [(Terminator, String, FramingOutcome)] = [
            (.lf, "hello world\nI'm not dead yet!\n", FramingOutcome(frames: [bytes("hello world"), bytes("I'm not dead yet!")])),
            (.crlf, "hello world\r\nI'm not dead yet!\r\n", FramingOutcome(frames: [bytes("hello world"), bytes("I'm not dead yet!")])),
            ("qqq", "hello worldqqqI'm not dead yet!qqq", FramingOutcome(frames: [bytes("hello world"), bytes("I'm not dead yet!")])),
            (.count(1), "hello world, I'm not dead yet!\n",
             FramingOutcome(frames: [bytes("h")], tails: [bytes("ello world, I'm not dead yet!\n")])),
            (.count(6), "hello world, I'm not dead yet!\n",
             FramingOutcome(frames: [bytes("hello ")], tails: [bytes("world, I'm not dead yet!\n")])),
            (.none, "hello world, I'm not dead yet!\n", FramingOutcome(frames: [], tails: [bytes("hello world, I'm not dead yet!\n")])),
            (.lf, "hello world\n\nI'm not dead yet!\n", FramingOutcome(frames: [bytes("hello world"), [], bytes("I'm not dead yet!")])),
        ]
        for (terminator, stream, expected) in cases {
            try expectFraming(bytes(stream), backend: backend, style: style, expected: expected) { $0.terminator = terminator }
        }
    }

    // T-CH-12 (bpo-16133): a read event with nothing to read (EAGAIN) is
    // not an error.
    @Test(arguments: PollerBackend.allCases)
    func readThatWouldBlockIsNotAnError(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        try channel.handleRead()
        try loop.runPass(timeout: .zero)
        #expect(channel.errors.isEmpty)
        #expect(channel.isOpen)
        #expect(channel.journal.isEmpty)
    }

    // T-CH-13: find_prefix_at_end("qwerty\r", "\r\n") == 1 and
    // ("qwertydkjf", "\r\n") == 0, seen through behaviour: the bytes that may
    // start a terminator are held back, everything before them is collected
    // at once. Longer terminators too: ("abc\r\n.", "\r\n.\r\n") == 3 and
    // the self-overlapping ("aab", "abab") == 2.
    @Test(arguments: PollerBackend.allCases, [
        ("qwerty\r", "\r\n", "qwerty"),
        ("qwertydkjf", "\r\n", "qwertydkjf"),
        ("abc\r\n.", "\r\n.\r\n", "abc"),
        ("aab", "abab", "a"),
        ("abc", "q", "abc"),
    ])
    func partialTerminatorAtEndOfReadIsHeldBack(backend: PollerBackend, example: (input: String, terminator: String, collectedAtOnce: String)) throws {
        let (input, terminator, collectedAtOnce) = example
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.terminator = .bytes(bytes(terminator))
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes(input), splitAt: [], into: channel)
        #expect(Array(channel.incomingData) == bytes(collectedAtOnce))
    }

    // T-CH-14 (bpo-11259): a negative byte count is refused. asynchat raises
    // ValueError; here it is a precondition failure, checked in a child
    // process so that this one survives it.
    @Test func negativeByteCountTerminatorIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            let loop = try EventLoop()
            let channel = ChatChannel(loop: loop)
            channel.terminator = .count(-1)
        }
    }
}
