import Echo
import ExampleSupport

/// What the echo-server command line asked for.
struct EchoServerSettings {
    static let usage = """
        usage: echo-server [--host HOST] [--port PORT] [--mode MODE] [--max-pending BYTES] [--max-line BYTES]

        Echoes back what each client sends, until SIGINT or SIGTERM.

          --host HOST          address or name to listen on (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 7007)
          --mode MODE          \(EchoMode.allCases.map(\.rawValue).joined(separator: ", ")) (default line)
          --max-pending BYTES  unsent echo a client may hold before the server stops
                               reading from it (default \(EchoOptions.defaultMaxPendingOutput))
          --max-line BYTES     longest line the line mode echoes; longer lines get
                               an error line instead (default \(EchoOptions.defaultMaxLineLength))
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound.
        """

    var host = "127.0.0.1"
    var port: UInt16 = 7007
    var mode = EchoMode.line
    var options = EchoOptions()

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var maxPendingOutput = EchoOptions.defaultMaxPendingOutput
        var maxLineLength = EchoOptions.defaultMaxLineLength
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.value(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 0...UInt16.max)
            case .flag("--mode"):
                let name = try scanner.value(for: "--mode")
                guard let chosen = EchoMode(rawValue: name) else {
                    let known = EchoMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError("unknown mode '\(name)' (known modes: \(known))")
                }
                mode = chosen
            case .flag("--max-pending"):
                maxPendingOutput = try scanner.integer(for: "--max-pending", in: 1...Int.max)
            case .flag("--max-line"):
                maxLineLength = try scanner.integer(for: "--max-line", in: 1...Int.max)
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
        do {
            options = try EchoOptions(maxPendingOutput: maxPendingOutput, maxLineLength: maxLineLength)
        } catch {
            throw UsageError("\(error)")
        }
    }
}
