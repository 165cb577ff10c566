import CSystem
import Glibc

/// Finds terminators in received bytes. `memchr` finds the terminator's first
/// byte (several GB/s); `memcmp` checks the rest where it is longer.
enum TerminatorScanner {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil.
    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = Int32(needle[0])
        if needle.count == 1 {
            guard let hit = memchr(base, first, haystack.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        return needle.withUnsafeBytes { pattern -> Int? in
            let rest = pattern.count - 1
            var offset = 0
            let lastStart = haystack.count - pattern.count
            while offset <= lastStart {
                guard let hit = memchr(base + offset, first, lastStart - offset + 1) else { return nil }
                let index = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + index + 1, pattern.baseAddress! + 1, rest) == 0 { return index }
                offset = index + 1
            }
            return nil
        }
    }

    /// The length of the longest proper prefix of `needle` that ends
    /// `haystack` (asynchat's `find_prefix_at_end`): the bytes to hold back
    /// because the terminator may complete in the next read.
    static func partialSuffixLength(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int {
        var length = min(needle.count - 1, haystack.count)
        while length > 0 {
            let start = haystack.count - length
            var matches = true
            for index in 0..<length where haystack[start + index] != needle[index] {
                matches = false
                break
            }
            if matches { return length }
            length -= 1
        }
        return 0
    }
}
