import AsyncChat
import AsyncCore

/// One client of a line-mode ``EchoServer``, on the chat layer: each line
/// goes back once its LF has arrived, byte for byte with the line end it came
/// with (`"\r\n"` or `"\n"`).
///
/// ```swift
/// // client: "hello\r\nwor"  "ld\n"     server: "hello\r\n"  "world\n"
/// let channel = try LineEchoChannel(socket: socket, loop: loop)
/// ```
/// What a demanding client may do, and what it gets:
/// - A line longer than ``EchoOptions/maxLineLength`` is not echoed; the client
///   gets ``overlongLineReply`` once for it, and the next line echoes normally.
/// - A client that does not read its echo makes the server stop reading from
///   it once ``EchoOptions/maxPendingOutput`` bytes are queued, until half of
///   them are sent.
/// - When the client half-closes, the echo of every complete line and of an
///   unterminated last line is sent, then the connection closes.
public final class LineEchoChannel: ChatChannel {
    /// The reply to a line over the limit, in place of its echo.
    public static let overlongLineReply: [UInt8] = Array("error: line too long\r\n".utf8)
    private static let lineFeed: [UInt8] = [10]

    /// Hears what happens to this client: a rejected line, reading paused
    /// and resumed, the end of the connection. ``EchoServer`` sets it to
    /// report through ``EchoServer/onEvent`` with the client's address.
    public var onEvent: ((EchoEvent.Kind) -> Void)?

    /// Adopts an accepted socket and frames it by LF.
    /// - Throws: `SystemError` if the socket cannot be made non-blocking.
    public init(socket: Socket, options: EchoOptions = EchoOptions(), loop: EventLoop) throws(SystemError) {
        try super.init(socket: socket, loop: loop)
        terminator = .lf
        maxFrameLength = options.maxLineLength
        highWatermark = options.maxPendingOutput
        lowWatermark = options.maxPendingOutput / 2
    }

    public override func foundTerminator() throws {
        push(incomingData)
        push(LineEchoChannel.lineFeed)
    }

    public override func handleFrameOverflow(length: Int) {
        push(LineEchoChannel.overlongLineReply)
        onEvent?(.lineRejected(limit: maxFrameLength))
    }

    public override func handleWritabilityChange(isWritable: Bool) {
        onEvent?(isWritable ? .readingResumed(pendingBytes: queuedOutputCount) : .readingPaused(pendingBytes: queuedOutputCount))
    }

    public override func handleUnterminatedInput(_ tail: [UInt8]) {
        push(tail)
    }

    /// A failed connection (a TLS handshake, say) is reported, then closed.
    public override func handleError(_ error: any Error) {
        onEvent?(.failed(reason: "\(error)"))
        close()
    }

    public override func close() {
        let wasOpen = isOpen
        super.close()
        if wasOpen { onEvent?(.disconnected) }
    }
}
