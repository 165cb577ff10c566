/// What a ``ChatChannel`` does when a frame grows past
/// ``ChatChannel/maxFrameLength`` — a peer sending an endless line, say.
///
/// Either way ``ChatChannel/handleFrameOverflow(length:)`` hears of it once,
/// and memory stays bounded whatever the peer sends.
public enum FrameOverflowPolicy: Hashable, Sendable {
    /// Drop the frame's bytes up to and including the next terminator, then
    /// go on with the frame after it. The overlong frame is never delivered.
    case discardFrame
    /// Stop reading, flush the output already queued, then close.
    case close
}
