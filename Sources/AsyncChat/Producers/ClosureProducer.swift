/// A producer from a closure or any sequence of chunks, pulled lazily.
///
/// ```swift
/// var line = 0
/// channel.push(producer: ClosureProducer {
///     line += 1
///     return line <= 1_000_000 ? Array("line \(line)\r\n".utf8) : nil
/// })
/// channel.push(producer: ClosureProducer(chunks: ["HTTP/1.0 200 OK\r\n", "\r\n"].lazy.map { Array($0.utf8) }))
/// ```
public final class ClosureProducer: Producer {
    private var next: (() -> [UInt8]?)?

    /// Calls `next` for each chunk until it returns nil.
    public init(_ next: @escaping () -> [UInt8]?) {
        self.next = next
    }

    /// Pulls the chunks of `chunks` one at a time.
    public convenience init<Chunks: Sequence>(chunks: Chunks) where Chunks.Element == [UInt8] {
        var iterator = chunks.makeIterator()
        self.init { iterator.next() }
    }

    public func more() -> [UInt8]? {
        guard let chunk = next?() else {
            next = nil
            return nil
        }
        return chunk
    }
}
