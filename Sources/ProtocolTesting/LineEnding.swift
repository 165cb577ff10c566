/// How lines end on the wire, for both directions: what `C:` appends and
/// where an `S:` line ends. Default: ``crlf``.
///
/// With ``crlf`` a line the server ends with a bare LF fails the step (and
/// the report says so): lenient servers are fine, sloppy ones are caught.
/// With ``lf`` a CR before the LF stays part of the line.
public enum LineEnding: String, Sendable, Hashable {
    /// `\r\n`, as SMTP, HTTP and most Internet line protocols.
    case crlf
    /// `\n` alone.
    case lf

    var bytes: [UInt8] {
        switch self {
        case .crlf: return [13, 10]
        case .lf: return [10]
        }
    }
}
