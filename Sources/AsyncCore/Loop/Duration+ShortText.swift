extension Duration {
    /// The shortest exact text for the duration, to the nanosecond, as the
    /// package writes durations everywhere (log lines, errors, transcripts):
    /// `300s`, `1.5s`, `250ms`, `0.0005s`.
    package var shortText: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds)s" }
        let nanoseconds = attoseconds / 1_000_000_000
        if seconds == 0, nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        var fraction = String(nanoseconds)
        while fraction.count < 9 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)s"
    }
}
