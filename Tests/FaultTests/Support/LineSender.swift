/// Sends numbered lines through a non-blocking client, a chunk of 256 lines
/// at a time, as fast as the socket takes them.
struct LineSender {
    /// The lines still to send.
    private(set) var remaining: Range<Int>
    /// Bytes sent so far.
    private(set) var sentBytes = 0
    private var chunk: [UInt8] = []
    private var offset = 0
    private static let linesPerChunk = 256

    init(lines: Range<Int>) {
        remaining = lines
    }

    var isDone: Bool { remaining.isEmpty && offset == chunk.count }

    /// Sends what the socket takes now; returns the bytes sent (0: it is full or all is sent).
    mutating func sendSome(through client: Client) throws -> Int {
        var sent = 0
        while true {
            if offset == chunk.count {
                guard !remaining.isEmpty else { return sent }
                let next = remaining.prefix(LineSender.linesPerChunk)
                chunk = NumberedLines.bytes(next)
                offset = 0
                remaining = next.endIndex..<remaining.endIndex
            }
            let start = offset
            let taken = try chunk.withUnsafeBytes { try client.sendSome(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            if taken == 0 { return sent }
            offset += taken
            sent += taken
            sentBytes += taken
        }
    }
}
