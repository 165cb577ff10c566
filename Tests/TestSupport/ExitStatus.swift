import Glibc

/// How a child process ended, as `waitpid` reports it.
///
///     #expect(try server.waitForExit() == .exited(0))
public enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    /// It called `exit` with this status.
    case exited(Int32)
    /// This signal killed it.
    case killed(Int32)

    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        let signal = status & 0x7F
        self = signal == 0 ? .exited((status >> 8) & 0xFF) : .killed(signal)
    }

    public var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .killed(let signal): return "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }
}
