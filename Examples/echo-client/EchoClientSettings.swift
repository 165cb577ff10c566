import ExampleSupport

/// What the echo-client command line asked for.
struct EchoClientSettings {
    static let usage = """
        usage: echo-client [--host HOST] [--port PORT]

        Sends each line of standard input to an echo server and prints each
        line it sends back. At the end of input it tells the server it is done
        (a half-close), prints the rest of the replies, and exits when the
        server closes.

          --host HOST   server address or name (default 127.0.0.1)
          --port PORT   server port (default 7007)
          -h, --help    show this help
        """

    var host = "127.0.0.1"
    var port: UInt16 = 7007

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.value(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 1...UInt16.max)
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
    }
}
