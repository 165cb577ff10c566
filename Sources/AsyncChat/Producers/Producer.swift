/// A lazy source of output for ``ChatChannel/push(producer:)``: the channel
/// asks for more only when the socket has room, so a producer of 100 MB never
/// sits in memory at once.
///
/// ```swift
/// final class Countdown: Producer {
///     var remaining = 3
///     func more() -> [UInt8]? {
///         guard remaining > 0 else { return nil }
///         defer { remaining -= 1 }
///         return Array("\(remaining)\r\n".utf8)
///     }
/// }
/// channel.push(producer: Countdown())
/// ```
public protocol Producer: AnyObject {
    /// The next chunk; nil (or an empty chunk) when the producer is exhausted.
    func more() -> [UInt8]?
}
