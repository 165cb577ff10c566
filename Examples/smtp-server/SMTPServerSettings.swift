import ExampleSupport
import SMTP

/// What the smtp-server command line asked for.
struct SMTPServerSettings {
    static let usage = """
        usage: smtp-server [--host HOST] [--port PORT | --unix PATH] [--hostname NAME]
                           [--maildir DIR | --discard] [--lmtp] [--size BYTES] [--smtputf8]
                           [--chunking] [--enhanced-status-codes] [--timeout SECONDS] [--quiet]

        An SMTP or LMTP mail sink: prints each message as CPython's smtpd
        DebuggingServer does, stores it in a Maildir, or drops it, until SIGINT
        or SIGTERM. Logs a line per session and per message on standard error,
        as Postfix's smtpd does.

          --host HOST          address or name to listen on (default 127.0.0.1)
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
          --timeout SECONDS    answer 421 to sessions idle this long and close them;
                               0 never does (default \(defaultTimeout))
          --quiet              log nothing
          -h, --help           show this help

        The first line on standard output is "listening on HOST:PORT" (or PATH),
        with the port actually bound. On SIGINT or SIGTERM the server stops accepting,
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
    /// A Unix-domain socket to listen on instead of host and port.
    var unixPath: String?
    var quiet = false
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
        var lmtp = false
        var chunking = false
        var enhancedStatusCodes = false
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
            case .flag("--unix"):
                unixPath = try scanner.value(for: "--unix")
            case .flag("--lmtp"):
                lmtp = true
            case .flag("--chunking"):
                chunking = true
            case .flag("--enhanced-status-codes"):
                enhancedStatusCodes = true
            case .flag("--quiet"):
                quiet = true
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
        configuration.dialect = lmtp ? .lmtp : .smtp
        configuration.enableChunking = chunking
        configuration.enhancedStatusCodes = enhancedStatusCodes
    }
}
