import ExampleSupport
import SMTP

/// What the smtp-server command line asked for.
struct SMTPServerSettings {
    static let usage = """
        usage: smtp-server [--host HOST] [--port PORT] [--hostname NAME] [--maildir DIR | --discard]
                           [--size BYTES] [--smtputf8] [--timeout SECONDS]

        An SMTP mail sink: prints each message as CPython's smtpd DebuggingServer
        does, stores it in a Maildir, or drops it, until SIGINT or SIGTERM.

          --host HOST          address or name to listen on (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 8025)
          --hostname NAME      name in the greeting and HELO replies (default: this host's name)
          --maildir DIR        store messages in the Maildir DIR (default: print them)
          --discard            accept messages and drop them (for benchmarks)
          --size BYTES         largest message, advertised as SIZE; 0 for no limit
                               (default \(defaultSize))
          --smtputf8           accept SMTPUTF8 (RFC 6531)
          --timeout SECONDS    answer 421 to sessions idle this long and close them;
                               0 never does (default \(defaultTimeout))
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound. On SIGINT or SIGTERM the server stops accepting,
        answers 421 to open sessions and exits.
        """

    /// Where accepted messages go.
    enum Delivery: Equatable {
        /// Printed to standard output.
        case print
        /// Stored in the Maildir at this path.
        case maildir(String)
        /// Dropped.
        case discard
    }

    static let defaultSize = 33_554_432
    static let defaultTimeout = 300

    var host = "127.0.0.1"
    var port: UInt16 = 8025
    var delivery = Delivery.print
    /// What the sessions advertise and enforce.
    var configuration: SMTPConfiguration

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var hostname: String?
        var maildir: String?
        var discard = false
        var size = Self.defaultSize
        var smtputf8 = false
        var timeout = Self.defaultTimeout
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.value(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 0...UInt16.max)
            case .flag("--hostname"):
                hostname = try scanner.value(for: "--hostname")
            case .flag("--maildir"):
                maildir = try scanner.value(for: "--maildir")
            case .flag("--discard"):
                discard = true
            case .flag("--size"):
                size = try scanner.integer(for: "--size", in: 0...Int.max)
            case .flag("--smtputf8"):
                smtputf8 = true
            case .flag("--timeout"):
                timeout = try scanner.integer(for: "--timeout", in: 0...365 * 86400)
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
        switch (maildir, discard) {
        case (let directory?, false): delivery = .maildir(directory)
        case (nil, true): delivery = .discard
        case (nil, false): delivery = .print
        case (_?, true): throw UsageError("--maildir and --discard exclude each other")
        }
        configuration = SMTPConfiguration(hostname: hostname)
        configuration.maxMessageSize = size == 0 ? nil : size
        configuration.enableSMTPUTF8 = smtputf8
        configuration.commandTimeout = timeout == 0 ? nil : .seconds(timeout)
    }
}
