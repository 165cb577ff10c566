import Glibc

/// A stream of 1 KiB lines, each starting with its ten-digit number, so a
/// dropped, doubled, reordered or altered byte of an echo shows up and says
/// where:
///
///     0000000000 abcdefghij...ABCD...\n      (1024 bytes with the LF)
enum NumberedLines {
    static let length = 1024
    private static let filler: [UInt8] = (0..<(length - 11)).map { UInt8(truncatingIfNeeded: 33 + ($0 * 7) % 94) }

    /// The bytes of lines `range`, back to back.
    static func bytes(_ range: Range<Int>) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: range.count * length)
        bytes.withUnsafeMutableBytes { raw in
            for (slot, number) in range.enumerated() {
                write(number, into: UnsafeMutableRawBufferPointer(rebasing: raw[(slot * length)..<((slot + 1) * length)]))
            }
        }
        return bytes
    }

    /// Writes line `number` into `line` (exactly ``length`` bytes).
    static func write(_ number: Int, into line: UnsafeMutableRawBufferPointer) {
        var value = number
        for index in (0..<10).reversed() {
            line[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        line[10] = UInt8(ascii: " ")
        filler.withUnsafeBytes { line.baseAddress!.advanced(by: 11).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        line[length - 1] = 10
    }
}

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
