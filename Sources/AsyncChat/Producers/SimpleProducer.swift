/// Hands out a buffer in chunks of `chunkSize` bytes (asynchat's `simple_producer`).
///
/// ```swift
/// channel.push(producer: SimpleProducer(Array(body.utf8), chunkSize: 8192))
/// ```
public final class SimpleProducer: Producer {
    private var data: [UInt8]
    private var offset = 0
    private let chunkSize: Int

    /// - Parameters:
    ///   - data: the bytes to hand out.
    ///   - chunkSize: bytes per chunk; at least 1 (asynchat's default is 512).
    public init(_ data: [UInt8], chunkSize: Int = 512) {
        self.data = data
        self.chunkSize = max(1, chunkSize)
    }

    public func more() -> [UInt8]? {
        guard offset < data.count else {
            data = []
            return nil
        }
        let end = min(offset + chunkSize, data.count)
        defer { offset = end }
        return Array(data[offset..<end])
    }
}
