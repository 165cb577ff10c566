import AsyncChat
import AsyncCore
import Glibc
import TestSupport
import Testing

/// A terminator set from outside the channel's handlers (a timer, another
/// connection) frames the bytes already received, partial terminator
/// included, without waiting for more input. Found by the framing fuzzer
/// (Tests/Fuzz/framing/corpus/outside-switch-frames-held-bytes).
@Suite("A terminator set from outside a handler")
struct OutsideTerminatorSwitchTests {
    /// "a\r" under CRLF-or-LF holds the CR back as a possible line end; a
    /// switch to a one-byte count must take it as the frame's last byte at
    /// once, not when the (silent) peer sends again.
    @Test(arguments: PollerBackend.allCases)
    func heldPartialTerminatorIsFramedByTheNewTerminator(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.terminator = .crlfOrLF
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("x\na\r"), splitAt: [], into: channel)
        #expect(channel.frames == [bytes("x")])

        channel.terminator = .count(1)
        try loop.run(until: { channel.frames.count == 2 }, limit: .seconds(2))
        #expect(channel.frames == [bytes("x"), bytes("a\r")])
        #expect(channel.terminator == .none)
    }

    /// The held bytes are framed with the terminator in force on the next
    /// pass, before new input: here they complete the new terminator.
    @Test(arguments: PollerBackend.allCases)
    func heldBytesCanCompleteTheNewTerminator(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try RecordingChannel(socket: local, loop: loop)
        channel.terminator = "\r\n.\r\n"
        try ChunkedFeeder(peer: peer, loop: loop).feed(bytes("body\r\n"), splitAt: [], into: channel)
        #expect(channel.frames.isEmpty)

        channel.terminator = .crlf
        try loop.run(until: { !channel.frames.isEmpty }, limit: .seconds(2))
        #expect(channel.frames == [bytes("body")])
    }
}
