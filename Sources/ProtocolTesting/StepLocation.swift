/// Where a dialogue step was written: a transcript file and line, or the
/// Swift file and line of a step built in code.
///
/// Failures name it, so the line to fix is one click away:
/// ```
/// dialogue "smtp-helo.txt" failed at smtp-helo.txt:7 (chunking: whole)
/// ```
public struct StepLocation: Hashable, Sendable, CustomStringConvertible {
    /// The transcript's name or the Swift file's `#fileID`.
    public let file: String
    /// The 1-based line number.
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}
