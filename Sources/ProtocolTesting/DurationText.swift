import AsyncCore

/// Durations as transcripts write them: `250ms`, `5s`, `1.5s`, `2m`, `1h`.
/// Seconds and milliseconds are read exactly, to the nanosecond, so that
/// what ``format(_:)`` writes reads back as the same duration.
package enum DurationText {
    package static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Int64)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            if unit.suffix.hasSuffix("s") { return exactly(number, unit: unit.nanoseconds) }
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(number), value.isFinite else { return nil }
            let nanoseconds = value * Double(unit.nanoseconds)
            guard nanoseconds < 1e18 else { return nil }
            return .nanoseconds(Int64(nanoseconds.rounded()))
        }
        return nil
    }

    /// `digits[.digits]` of `unit`, in integers: a digit below the
    /// nanosecond rounds (half up), and the rest are ignored. Nil for other
    /// text, or from 10^18 ns (about 31 years) on.
    private static func exactly(_ number: Substring, unit: Int64) -> Duration? {
        let limit: Int64 = 1_000_000_000_000_000_000
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), parts.contains(where: { !$0.isEmpty }) else {
            return nil
        }
        var whole: Int64 = 0
        for digit in parts[0] {
            whole = whole * 10 + Int64(digit.wholeNumberValue ?? 0)
            guard whole < limit / unit else { return nil }
        }
        var nanoseconds = whole * unit
        var place = unit
        for digit in parts.count > 1 ? parts[1] : "" {
            let value = Int64(digit.wholeNumberValue ?? 0)
            guard place >= 10 else {
                if value >= 5 { nanoseconds += 1 }
                break
            }
            place /= 10
            nanoseconds += value * place
        }
        return nanoseconds < limit ? .nanoseconds(nanoseconds) : nil
    }

    /// The shortest exact text for a duration, to the nanosecond: `300s`,
    /// `1.5s`, `250ms`, `0.0005s`.
    package static func format(_ duration: Duration) -> String {
        duration.shortText
    }
}
