import ExampleSupport
import SMTP

/// What the smtp-server command line asked for.
struct SMTPServerSettings {
    static let usage = """
        usage: smtp-server [--host HOST] [--port PORT] [--hostname NAME] [--maildir DIR | --discard]
                           [--size BYTES] [--smtputf8] [--timeout DURATION] [--threads N] [--quiet]

        An SMTP mail sink: prints each message as CPython's smtpd DebuggingServer
        does, stores it in a Maildir, or drops it, until SIGINT or SIGTERM.

          --host HOST          where to listen: a name, an IPv4 address, or an IPv6
                               address such as ::1 or [::1] (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 8025)
          --hostname NAME      name in the greeting and HELO replies (default: this host's name)
          --maildir DIR        store messages in the Maildir DIR (default: print them)
          --discard            accept messages and drop them (for benchmarks)
          --size BYTES         largest message, advertised as SIZE; 0 for no limit
                               (default \(defaultSize))
          --smtputf8           accept SMTPUTF8 (RFC 6531)
          --timeout DURATION   answer 421 to sessions idle this long and close them:
                               90s, 5m, 1.5s, or none to never do so
                               (default \(DurationFormat.text(defaultTimeout)))
          --threads N          event loops, each on a thread of its own; the
                               clients are shared out among them in turn (default 1)
          -q, --quiet          log nothing
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound. Standard error gets a line for each message
        delivered or rejected by the delivery (never its content), starting
        with the client's address: "smtp-server: 127.0.0.1:50312: message from
        <a@example.com> to <b@example.com> (1234 bytes) delivered: 250 OK".
        On SIGINT or SIGTERM the server stops accepting, answers 421 to open
        sessions and exits.

        Exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot run
        (the address is taken, the Maildir cannot be made, say); 2 for a bad
        command line.
        """

    /// Where accepted messages go.
    enum Delivery: Equatable, Sendable {
        /// Printed to standard output.
        case print
        /// Stored in the Maildir at this path.
        case maildir(String)
        /// Dropped.
        case discard
    }

    static let defaultSize = 33_554_432
    static let defaultTimeout = Duration.seconds(300)

    var address = ListenAddress(host: "127.0.0.1", port: 8025)
    var delivery = Delivery.print
    var threads = 1
    var quiet = false
    /// What the sessions advertise and enforce.
    var configuration: SMTPConfiguration

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var hostname: String?
        var maildir: String?
        var discard = false
        var size = Self.defaultSize
        var smtputf8 = false
        var timeout: Duration? = Self.defaultTimeout
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                address.host = try scanner.host(for: "--host")
            case .flag("--port"):
                address.port = try scanner.integer(for: "--port", in: 0...UInt16.max)
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
                timeout = try scanner.timeout(for: "--timeout")
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
        switch (maildir, discard) {
        case (let directory?, false): delivery = .maildir(directory)
        case (nil, true): delivery = .discard
        case (nil, false): delivery = .print
        case (_?, true): throw UsageError("--maildir and --discard exclude each other")
        }
        configuration = SMTPConfiguration(hostname: hostname)
        configuration.maxMessageSize = size == 0 ? nil : size
        configuration.enableSMTPUTF8 = smtputf8
        configuration.commandTimeout = timeout
    }
}
