/// The server answered, but not with what was asked for.
enum ResponseError: Error, CustomStringConvertible {
    /// An error status, 400 or more.
    case status(HTTPStatusLine)
    /// The response did not start with an HTTP status line (or was empty).
    case noStatusLine

    var description: String {
        switch self {
        case .status(let line): return "the server answered \(line.summary)"
        case .noStatusLine: return "the response has no HTTP status line"
        }
    }
}
