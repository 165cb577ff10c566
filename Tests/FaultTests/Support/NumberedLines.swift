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
