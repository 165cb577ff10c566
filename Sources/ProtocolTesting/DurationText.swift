/// Durations as transcripts write them: `250ms`, `5s`, `1.5s`, `2m`, `1h`.
package enum DurationText {
    package static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Double)] = [("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(number), value.isFinite else { return nil }
            let nanoseconds = value * unit.nanoseconds
            guard nanoseconds < 1e18 else { return nil }
            return .nanoseconds(Int64(nanoseconds.rounded()))
        }
        return nil
    }

    /// The shortest exact text for a duration: `300s`, `1.5s`, `250ms`.
    package static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if attoseconds == 0 { return "\(seconds)s" }
        if attoseconds % 1_000_000_000_000_000 == 0 {
            if seconds == 0 { return "\(milliseconds)ms" }
            var fraction = String(milliseconds)
            while fraction.count < 3 { fraction = "0" + fraction }
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(seconds).\(fraction)s"
        }
        return "\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)µs"
    }
}
