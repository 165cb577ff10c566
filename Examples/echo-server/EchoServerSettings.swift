import AsyncCore
import AsyncTLS
import Echo
import ExampleSupport

/// What the echo-server command line asked for.
struct EchoServerSettings {
    static let usage = """
        usage: echo-server [--host HOST] [--port PORT] [--mode MODE] [--async] [--max-pending BYTES]
                           [--max-line BYTES] [--proxy-protocol CIDR,...] [--threads N]
                           [--tls-cert FILE --tls-key FILE] [--quiet]

        Echoes back what each client sends, until SIGINT or SIGTERM.

          --host HOST          name or address to listen on: a name, an IPv4
                               address, ::1 or [::1] (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 7007)
          --mode MODE          \(EchoMode.allCases.map(\.rawValue).joined(separator: ", ")) (default line)
          --async              serve the line mode with async/await connections
                               (AsyncConnection), each client's task on its loop's thread
          --max-pending BYTES  unsent echo a client may hold before the server stops
                               reading from it (default \(EchoOptions.defaultMaxPendingOutput))
          --max-line BYTES     longest line the line mode echoes; longer lines get
                               an error line instead (default \(EchoOptions.defaultMaxLineLength))
          --proxy-protocol CIDR[,CIDR...]
                               connections from these addresses come through a
                               proxy and must start with a PROXY protocol header
                               (v1 or v2) naming the client: 127.0.0.0/8,::1/128
          --threads N          event loops, each on a thread of its own; the
                               clients are shared out among them in turn (default 1)
        \(CertificateFlags.usage)
          -q, --quiet          log nothing
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound. Standard error gets a line for each client
        connected or disconnected, each line rejected as too long, and each
        client paused for not reading its echo (and resumed), and each
        connection that failed (a TLS handshake), starting with the client's
        address: "echo-server: 127.0.0.1:50312: connected".

        With --tls-cert and --tls-key, clients speak TLS from the first byte
        (try: openssl s_client -connect 127.0.0.1:7007). TLS needs a build
        with the package's TLS trait: swift build --traits TLS.

        Exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot run
        (the address is taken, say); 2 for a bad command line.
        """

    var address = ListenAddress(host: "127.0.0.1", port: 7007)
    var mode = EchoMode.line
    var options = EchoOptions()
    var threads = 1
    var quiet = false
    var proxyProtocol: ProxyProtocol?
    var certificate = CertificateFlags()
    /// Serve through the async/await API rather than the callback channel.
    var async = false

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var maxPendingOutput = EchoOptions.defaultMaxPendingOutput
        var maxLineLength = EchoOptions.defaultMaxLineLength
        while let argument = scanner.next() {
            if try certificate.take(argument, from: &scanner) { continue }
            switch argument {
            case .flag("--host"):
                address.host = try scanner.host(for: "--host")
            case .flag("--port"):
                address.port = try scanner.integer(for: "--port", in: 0...UInt16.max)
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
            case .flag("--async"):
                async = true
            case .flag("--proxy-protocol"):
                proxyProtocol = try scanner.proxyProtocol(for: "--proxy-protocol")
            case .flag("--threads"):
                threads = try scanner.integer(for: "--threads", in: 1...1024)
            case .flag("--quiet"), .flag("-q"):
                quiet = true
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
        try certificate.validate()
        if async, mode != .line {
            throw UsageError("--async serves the line mode only, not --mode \(mode)")
        }
        if async, certificate.isSet {
            throw UsageError("--async serves plain TCP only, not with --tls-cert")
        }
        do {
            options = try EchoOptions(maxPendingOutput: maxPendingOutput, maxLineLength: maxLineLength)
        } catch {
            throw UsageError("\(error)")
        }
    }
}

extension EchoServerSettings {
    /// The server of one loop: the callback echo, or with `async` the line
    /// echo on async connections.
    static func makeServer(
        mode: EchoMode, options: EchoOptions, tls: TLSContext?, async: Bool, onEvent: (@Sendable (EchoEvent) -> Void)?,
        loop: EventLoop
    ) -> Dispatcher {
        if async { return AsyncEchoServer(options: options, onEvent: onEvent, loop: loop) }
        let server = EchoServer(mode: mode, options: options, tls: tls, loop: loop)
        server.onEvent = onEvent
        return server
    }
}
