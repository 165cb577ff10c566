import Echo
import ExampleSupport

/// What the echo-server command line asked for.
struct EchoServerSettings {
    static let usage = """
        usage: echo-server [--host HOST] [--port PORT] [--mode MODE] [--max-pending BYTES]

        Echoes back what each client sends, until SIGINT or SIGTERM.

          --host HOST          address or name to listen on (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 7007)
          --mode MODE          \(EchoMode.allCases.map(\.rawValue).joined(separator: ", ")) (default raw)
          --max-pending BYTES  unsent echo a client may hold before the server stops
                               reading from it (default \(EchoOptions.defaultMaxPendingOutput))
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound.
        """

    var host = "127.0.0.1"
    var port: UInt16 = 7007
    var mode = EchoMode.raw
    var options = EchoOptions()

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
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
                let bytes = try scanner.integer(for: "--max-pending", in: 1...Int.max)
                do {
                    options = try EchoOptions(maxPendingOutput: bytes)
                } catch {
                    throw UsageError("--max-pending: \(error)")
                }
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
    }
}
