/// A program's log: one line per event on standard error, each starting
/// with the program's name, as its error messages do. No timestamp: a
/// supervisor (systemd's journal, docker, `ts`) adds its own.
///
/// ```swift
/// let log = Log(program: "echo-server", quiet: settings.quiet)
/// log("127.0.0.1:50312: connected")     // echo-server: 127.0.0.1:50312: connected
/// loop.logger = log.write
/// ```
/// With `quiet` (the programs' `--quiet`) nothing is written; the message
/// of an error that ends the program still is (see ``CommandLineProgram``).
public struct Log: Sendable {
    /// The prefix of every line.
    public let program: String
    /// True when lines are dropped.
    public let quiet: Bool

    public init(program: String, quiet: Bool) {
        self.program = program
        self.quiet = quiet
    }

    /// Writes `program: line` to standard error, unless quiet.
    public func callAsFunction(_ line: String) {
        if !quiet { Console.printError("\(program): \(line)") }
    }

    /// The same as calling the log: for handlers that take a function,
    /// such as `EventLoop.logger`.
    public var write: @Sendable (String) -> Void {
        { line in self(line) }
    }
}
