import AsyncCore
import ExampleSupport
import SMTP

/// What the smtp-server command line asked for.
struct SMTPServerSettings {
    static let usage = """
        usage: smtp-server [--host HOST] [--port PORT | --unix PATH] [--hostname NAME]
                           [--maildir DIR | --discard] [--lmtp] [--size BYTES] [--smtputf8]
                           [--chunking] [--enhanced-status-codes] [--timeout DURATION] [--proxy-protocol CIDR,...] [--quiet]

        An SMTP or LMTP mail sink: prints each message as CPython's smtpd
        DebuggingServer does, stores it in a Maildir, or drops it, until SIGINT
        or SIGTERM.

          --host HOST          where to listen: a name, an IPv4 address, or an IPv6
                               address such as ::1 or [::1] (default 127.0.0.1)
          --port PORT          port to listen on, 0 for any free port (default 8025)
          --unix PATH          listen on a Unix-domain socket at PATH instead (a
                               stale socket there is replaced)
          --hostname NAME      name in the greeting and HELO replies (default: this host's name)
          --maildir DIR        store messages in the Maildir DIR, once each, with
                               Return-Path, Delivered-To and Received (default: print them)
          --discard            accept messages and drop them (for benchmarks)
          --lmtp               speak LMTP (RFC 2033): LHLO, a reply per recipient
          --size BYTES         largest message, advertised as SIZE; 0 for no limit
                               (default \(defaultSize))
          --smtputf8           accept SMTPUTF8 (RFC 6531)
          --chunking           offer CHUNKING (BDAT) and BINARYMIME (RFC 3030)
          --enhanced-status-codes
                               offer ENHANCEDSTATUSCODES (RFC 2034): "250 2.1.5 OK"
          --timeout DURATION   answer 421 to sessions idle this long and close them:
                               90s, 5m, 1.5s, or none to never do so
                               (default \(DurationFormat.text(defaultTimeout)))
          --proxy-protocol CIDR[,CIDR...]
                               connections from these addresses come through a
                               proxy and must start with a PROXY protocol header
                               (v1 or v2) naming the client: 127.0.0.0/8,::1/128
          -q, --quiet          log nothing
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT" (or PATH),
        with the port actually bound. Standard error gets a line for each
        session and each message as Postfix's smtpd logs them, never a
        message's content: "smtp-server: connect from unknown[127.0.0.1]",
        "smtp-server: 5E1F3A000001: to=<b@example.com>, status=sent (250 OK)",
        "smtp-server: disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1
        data=1 quit=1 commands=5". On SIGINT or SIGTERM the server stops
        accepting, answers 421 to open sessions and exits.

        Exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot run
        (the address is taken, the Maildir cannot be made, say); 2 for a bad
        command line.
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
    static let defaultTimeout = Duration.seconds(300)

    var address = ListenAddress(host: "127.0.0.1", port: 8025)
    /// A Unix-domain socket to listen on instead of the address.
    var unixPath: String?
    var delivery = Delivery.print
    var quiet = false
    var proxyProtocol: ProxyProtocol?
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
        var lmtp = false
        var chunking = false
        var enhancedStatusCodes = false
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                address.host = try scanner.host(for: "--host")
            case .flag("--port"):
                address.port = try scanner.integer(for: "--port", in: 0...UInt16.max)
            case .flag("--unix"):
                unixPath = try scanner.value(for: "--unix")
            case .flag("--hostname"):
                hostname = try scanner.value(for: "--hostname")
            case .flag("--maildir"):
                maildir = try scanner.value(for: "--maildir")
            case .flag("--discard"):
                discard = true
            case .flag("--lmtp"):
                lmtp = true
            case .flag("--size"):
                size = try scanner.integer(for: "--size", in: 0...Int.max)
            case .flag("--smtputf8"):
                smtputf8 = true
            case .flag("--chunking"):
                chunking = true
            case .flag("--enhanced-status-codes"):
                enhancedStatusCodes = true
            case .flag("--timeout"):
                timeout = try scanner.timeout(for: "--timeout")
            case .flag("--proxy-protocol"):
                proxyProtocol = try scanner.proxyProtocol(for: "--proxy-protocol")
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
        configuration.dialect = lmtp ? .lmtp : .smtp
        configuration.enableChunking = chunking
        configuration.enhancedStatusCodes = enhancedStatusCodes
    }
}
