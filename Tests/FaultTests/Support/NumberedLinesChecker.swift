import Glibc

/// Checks bytes received against the numbered lines from 0 on, as they
/// arrive in pieces of any size, every byte as it comes (so a stream that
/// ends in the middle of a line is checked too).
struct NumberedLinesChecker {
    /// Bytes received, all matching.
    private(set) var receivedBytes = 0
    /// The first byte offset that differed, if any.
    private(set) var mismatchAt: Int?
    private var expected = [UInt8](repeating: 0, count: NumberedLines.length)

    /// Lines received complete and exact.
    var verifiedLines: Int { receivedBytes / NumberedLines.length }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes[...]
        while !rest.isEmpty, mismatchAt == nil {
            let column = receivedBytes % NumberedLines.length
            if column == 0 {
                let number = verifiedLines
                expected.withUnsafeMutableBytes { NumberedLines.write(number, into: $0) }
            }
            let take = min(NumberedLines.length - column, rest.count)
            let piece = UnsafeRawBufferPointer(rebasing: rest.prefix(take))
            let same = expected.withUnsafeBytes { memcmp($0.baseAddress! + column, piece.baseAddress!, take) == 0 }
            if !same {
                let offset = (0..<take).first { piece[$0] != expected[column + $0] } ?? 0
                mismatchAt = receivedBytes + offset
                return
            }
            receivedBytes += take
            rest = rest.dropFirst(take)
        }
    }
}
