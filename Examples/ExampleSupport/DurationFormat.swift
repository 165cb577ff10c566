import ProtocolTesting

/// How the programs write durations in `--help` and in log lines: the way
/// they read them (``ArgumentScanner/duration(for:)``) and the way
/// transcripts write them, so a value can be copied from one to the other.
///
/// ```swift
/// DurationFormat.text(.seconds(300))          // "300s"
/// DurationFormat.text(.milliseconds(1500))    // "1.5s"
/// DurationFormat.text(.milliseconds(250))     // "250ms"
/// ```
public enum DurationFormat {
    /// The shortest exact text for `duration`.
    public static func text(_ duration: Duration) -> String {
        DurationText.format(duration)
    }
}
