import Glibc

/// The frame of every example program: `--help`, the exit status of each
/// kind of failure, and a process that a closed pipe cannot kill.
///
/// ```swift
/// CommandLineProgram.run(name: "echo-server", usage: usage) { arguments in
///     let settings = try EchoServerSettings(arguments)
///     try serve(settings)
/// }
/// ```
/// `-h` or `--help` before any `--` prints `usage` and exits 0. A
/// ``UsageError`` prints `NAME: message` and a hint, exit status 2; any other
/// error prints `NAME: error`, exit status 1; a normal return is status 0.
/// `SIGPIPE` is ignored, so a write to a closed pipe fails with `EPIPE`
/// rather than ending the process.
public enum CommandLineProgram {
    public static func run(name: String, usage: String, _ body: ([String]) throws -> Void) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            Console.printLine(usage)
            exit(0)
        }
        do {
            try body(arguments)
        } catch let error as UsageError {
            Console.printError("\(name): \(error)")
            Console.printError("Try '\(name) --help' for more information.")
            exit(2)
        } catch {
            Console.printError("\(name): \(error)")
            exit(1)
        }
        fflush(nil)
        exit(0)
    }
}
