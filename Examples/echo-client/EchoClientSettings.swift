import ExampleSupport

/// What the echo-client command line asked for.
struct EchoClientSettings {
    static let usage = """
        usage: echo-client [--host HOST] [--port PORT] [--quiet]

        Sends each line of standard input to an echo server and prints each
        line it sends back. At the end of input it tells the server it is done
        (a half-close), prints the rest of the replies, and exits when the
        server closes.

          --host HOST   the server: a name, an IPv4 address, or an IPv6 address
                        such as ::1 or [::1] (default 127.0.0.1)
          --port PORT   server port (default 7007)
          -q, --quiet   log nothing
          -h, --help    show this help

        Standard error gets a line when the connection is made and when it
        ends: "echo-client: connected to 127.0.0.1:7007".

        Exit status: 0 when the server closed after the end of input; 1 when
        the connection failed or broke, or the server closed it before the
        end of input; 2 for a bad command line; 130 after SIGINT (Ctrl-C) and
        143 after SIGTERM.
        """

    var host = "127.0.0.1"
    var port: UInt16 = 7007
    var quiet = false

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.host(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 1...UInt16.max)
            case .flag("--quiet"), .flag("-q"):
                quiet = true
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
    }
}
