import Glibc

/// The frame of every program here: `--help`, one rule for exit statuses,
/// and a process that a closed pipe cannot kill.
///
/// ```swift
/// CommandLineProgram.run(name: "echo-server", usage: usage) { arguments in
///     let settings = try EchoServerSettings(arguments)
///     try serve(settings)
/// }
/// ```
/// The exit status says how the job went, the same way for every program:
///
/// | status | when |
/// |---|---|
/// | 0 | `body` returned: the job was done (a server stopped by SIGINT or SIGTERM too) |
/// | 1 | `body` threw: the job failed; `NAME: error` on standard error |
/// | 2 | `body` threw a ``UsageError``: nothing was done; `NAME: message` and a hint to `--help` |
/// | 128 + N | `body` threw ``Interruption``: an interactive program stopped by signal N (130 for SIGINT), as a shell reports it |
///
/// `-h` or `--help` before any `--` prints `usage` and exits 0. `SIGPIPE`
/// is ignored, so a write to a closed pipe fails with `EPIPE` rather than
/// ending the process.
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
        } catch let interruption as Interruption {
            fflush(nil)
            exit(128 + interruption.signal)
        } catch {
            fflush(nil)
            Console.printError("\(name): \(error)")
            exit(1)
        }
        fflush(nil)
        exit(0)
    }
}
