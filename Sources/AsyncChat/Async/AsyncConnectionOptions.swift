import AsyncCore

/// How an ``AsyncConnection`` frames its input and bounds its buffers.
///
/// ```swift
/// var options = AsyncConnectionOptions(terminator: .lf)
/// options.maxFrameLength = 8192          // longer lines throw ConnectionError.frameTooLong
/// options.maxBufferedFrames = 16         // then reading waits for the consumer
/// let listener = try AsyncListener(address: .ipv4(port: 0), options: options, loop: loop)
/// ```
/// What one connection can make the process hold is bounded by these:
/// at most ``maxBufferedFrames`` frames of at most ``maxFrameLength`` bytes
/// waiting for the consumer, one partial frame, and output up to
/// ``highWatermark`` plus the write that crossed it.
public struct AsyncConnectionOptions: Sendable, Hashable {
    /// Where one frame ends. Default: ``Terminator/crlf``.
    public var terminator: Terminator
    /// The most bytes of one frame, without its terminator. Default: 64 KiB.
    public var maxFrameLength: Int
    /// Frames received and not yet taken by the consumer, at most; once
    /// reached, the connection stops reading from its socket until the
    /// consumer takes one (the peer then slows down, as TCP makes it).
    /// Default: 64.
    public var maxBufferedFrames: Int
    /// Output not yet sent above which ``AsyncConnection/write(_:)-([UInt8])``
    /// suspends, until it falls to ``lowWatermark``. Default: 1 MiB.
    public var highWatermark: Int
    /// Output not yet sent at or below which suspended writes go on. Default: 256 KiB.
    public var lowWatermark: Int

    /// Options with the given terminator and the default bounds.
    public init(
        terminator: Terminator = .crlf,
        maxFrameLength: Int = 65536,
        maxBufferedFrames: Int = 64,
        highWatermark: Int = 1 << 20,
        lowWatermark: Int = 256 << 10
    ) {
        self.terminator = terminator
        self.maxFrameLength = maxFrameLength
        self.maxBufferedFrames = max(1, maxBufferedFrames)
        self.highWatermark = highWatermark
        self.lowWatermark = min(lowWatermark, highWatermark)
    }
}
