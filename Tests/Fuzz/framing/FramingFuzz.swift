import AsyncChat
import AsyncCore
import Glibc

/// Differential fuzzing of terminator framing: a real `ChatChannel` over a
/// socketpair, fed the case's reads one at a time, must agree with
/// `FramingModel` on the frames, the overflows, the collected bytes, the
/// unterminated tail and the echoed output. A disagreement traps with the
/// case and both outcomes.
@_cdecl("LLVMFuzzerTestOneInput")
public func framingFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzBytes(data, count: size)
    let framingCase = FramingCase(decoding: &input)
    do {
        try FramingRun(framingCase).check()
    } catch {
        fail("the harness failed: \(error)", framingCase)
    }
    return 0
}

/// Where the peer reads the echo: allocated once, since zeroing 64 KiB for
/// every read of every input would cost more than the framing itself.
nonisolated(unsafe) private let receiveBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

private func fail(_ message: String, _ framingCase: FramingCase) -> Never {
    fatalError("\(message)\ncase: \(framingCase)")
}

private struct FramingRun {
    let framingCase: FramingCase
    /// A loop of its own, so that no input depends on the ones before it
    /// (a shared loop also kept a weak-reference table LeakSanitizer flags at exit).
    let loop: EventLoop

    init(_ framingCase: FramingCase) throws {
        self.framingCase = framingCase
        loop = try EventLoop()
    }

    func check() throws {
        var model = FramingModel(framingCase)
        let (local, peer) = try Socket.pair()
        defer { peer.close() }
        let channel = try FuzzChannel(socket: local, loop: loop)
        channel.terminator = framingCase.initial
        channel.maxFrameLength = framingCase.maxFrameLength
        channel.frameOverflowPolicy = framingCase.closesOnOverflow ? .close : .discardFrame
        channel.streaming = framingCase.streaming
        channel.program = framingCase.program
        channel.pausesAfterEachFrame = framingCase.pausesAfterEachFrame
        channel.echoes = framingCase.echoes
        var echoed: [UInt8] = []

        for read in framingCase.reads {
            guard channel.isOpen else { break }
            try sendAll(read.bytes, to: peer)
            model.receive(read.bytes)
            try settle(channel)
            if framingCase.echoes { try drain(peer, into: &echoed) }
            guard let next = read.switchTo, channel.isOpen else { continue }
            model.catchUp()
            if channel.terminator != model.terminator {
                fail("before the switch to \(next) the channel's terminator is \(channel.terminator), the model's \(model.terminator)", framingCase)
            }
            channel.terminator = next
            channel.expectDeferredWork()
            model.switchTerminator(to: next)
        }
        try peer.shutdown(.write)
        var passes = 0
        while channel.isOpen {
            try loop.runPass(timeout: .zero)
            passes += 1
            if passes > 100_000 { fail("the channel did not close after the end of input", framingCase) }
        }
        try drain(peer, into: &echoed)
        // Fire what is left (a pause's resume for a channel closed meanwhile):
        // a timer keeps its closure, and with it the channel, alive.
        while loop.pendingTimerCount > 0 {
            try loop.runPass(timeout: .zero)
            passes += 1
            if passes > 100_000 { fail("timers kept firing after the channel closed", framingCase) }
        }
        if !loop.dispatchers.isEmpty { fail("the loop still holds \(loop.dispatchers) after the close", framingCase) }

        let expected = model.finish()
        let actual = channel.outcome()
        if !channel.problems.isEmpty { fail(channel.problems.joined(separator: "\n"), framingCase) }
        if actual != expected { fail("expected \(expected)\nchannel  \(actual)", framingCase) }
        if channel.closeCount != 1 { fail("handleClose ran \(channel.closeCount) times", framingCase) }
        if framingCase.echoes {
            let expectedEcho: [UInt8] = expected.frames.flatMap { $0 + [0xFF] }
            if echoed != expectedEcho { fail("echoed \(escaped(echoed)), expected \(escaped(expectedEcho))", framingCase) }
        }
    }

    /// Runs the loop until the channel has read everything sent and done
    /// the work it deferred (a resumed pause, a terminator set from outside).
    private func settle(_ channel: FuzzChannel) throws {
        var passes = 0
        repeat {
            try loop.runPass(timeout: .zero)
            passes += 1
            if passes > 100_000 { fail("the loop never settled", framingCase) }
        } while channel.isOpen && (unreadCount(channel.descriptor) > 0 || channel.unsettled > 0)
    }

    private func sendAll(_ bytes: [UInt8], to peer: Socket) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let sent = try peer.send(UnsafeRawBufferPointer(rebasing: raw[offset...])) else {
                    fail("the socket buffer is full", framingCase)
                }
                offset += sent
            }
        }
    }

    /// Reads what the channel sent back, up to the end of input or what is there now.
    /// A channel that closes with input unread (closing on overflow) resets
    /// the connection: that ends it too.
    private func drain(_ peer: Socket, into received: inout [UInt8]) throws {
        while true {
            let count: Int?
            do throws(SystemError) {
                count = try peer.receive(into: receiveBuffer)
            } catch where error.errno == .connectionReset {
                return
            }
            guard let count, count > 0 else { return }
            received += receiveBuffer[0..<count]
        }
    }

    private func unreadCount(_ descriptor: Int32) -> Int32 {
        var count: Int32 = 0
        _ = ioctl(descriptor, UInt(FIONREAD), &count)
        return count
    }
}
