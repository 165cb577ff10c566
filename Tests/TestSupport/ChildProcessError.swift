/// Why a wait on a ``ChildProcess`` gave up. Each case names the program
/// and carries the end of what it wrote to standard error, which usually
/// says what went wrong.
public enum ChildProcessError: Error, CustomStringConvertible {
    /// `limit` passed before `what` happened.
    case timedOut(program: String, what: String, limit: Duration, errorOutput: String)
    /// The program's standard output ended before `what` happened.
    case outputEnded(program: String, what: String, errorOutput: String)

    public var description: String {
        switch self {
        case .timedOut(let program, let what, let limit, let errorOutput):
            return "\(program): \(what) did not happen within \(limit)\(Self.quoting(errorOutput))"
        case .outputEnded(let program, let what, let errorOutput):
            return "\(program): its output ended before \(what)\(Self.quoting(errorOutput))"
        }
    }

    private static func quoting(_ errorOutput: String) -> String {
        errorOutput.isEmpty ? "; it wrote nothing to standard error" : "; its standard error ends: \(errorOutput.suffix(2000).debugDescription)"
    }
}
