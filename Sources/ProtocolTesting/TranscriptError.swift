/// A transcript that cannot be read or does not parse; its description
/// names the file and line, as a compiler would:
/// ```
/// greeting.txt:7: unknown escape \q; use \r, \n, \t, \\ or \xHH
/// ```
public struct TranscriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The transcript's name (its file name when read from a file).
    public let source: String
    /// The 1-based line of the problem; nil when the file could not be read.
    public let line: Int?
    /// What is wrong.
    public let message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}
