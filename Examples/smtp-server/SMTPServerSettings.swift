import AsyncCore
import ExampleSupport
import SMTP

/// What the smtp-server command line asked for.
struct SMTPServerSettings {
    static let usage = """
        usage: smtp-server [--host HOST] [--port PORT | --unix PATH] [--hostname NAME]
                           [--maildir DIR | --discard] [--lmtp] [--size BYTES] [--smtputf8]
                           [--chunking] [--enhanced-status-codes] [--timeout DURATION] [--proxy-protocol CIDR,...]
                           [--threads N] [--tls-cert FILE --tls-key FILE [--require-tls | --implicit-tls]]
                           [--auth-file FILE [--auth-without-tls] [--require-auth]] [--quiet]

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
          --threads N          event loops, each on a thread of its own; the
                               clients are shared out among them in turn (default 1)
        \(CertificateFlags.usage)
          --require-tls        answer 530 to every command but EHLO, HELO, NOOP,
                               STARTTLS and QUIT until the client has started TLS
          --implicit-tls       speak TLS from the first byte (submissions, port 465
                               style) instead of offering STARTTLS
          --auth-file FILE     offer AUTH PLAIN and LOGIN (RFC 4954) over TLS, with
                               the users and passwords of FILE, one user:password a
                               line (# starts a comment)
          --auth-without-tls   offer AUTH without TLS too (passwords cross the
                               network in the clear: for tests only)
          --require-auth       answer 530 to MAIL until the client has authenticated
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

        With --tls-cert and --tls-key the server offers STARTTLS (RFC 3207), or
        with --implicit-tls serves TLS from the first byte; try it with
        "openssl s_client -starttls smtp -connect 127.0.0.1:8025". TLS needs a
        build with the package's TLS trait: swift build --traits TLS. AUTH
        logs the user that authenticated, never a password.

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
    /// A Unix-domain socket to listen on instead of the address.
    var unixPath: String?
    var delivery = Delivery.print
    var threads = 1
    var quiet = false
    var proxyProtocol: ProxyProtocol?
    var certificate = CertificateFlags()
    /// The `user:password` file for AUTH.
    var authFile: String?
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
        var requireTLS = false
        var implicitTLS = false
        var authWithoutTLS = false
        var requireAuth = false
        while let argument = scanner.next() {
            if try certificate.take(argument, from: &scanner) { continue }
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
            case .flag("--threads"):
                threads = try scanner.integer(for: "--threads", in: 1...1024)
            case .flag("--require-tls"):
                requireTLS = true
            case .flag("--implicit-tls"):
                implicitTLS = true
            case .flag("--auth-file"):
                authFile = try scanner.value(for: "--auth-file")
            case .flag("--auth-without-tls"):
                authWithoutTLS = true
            case .flag("--require-auth"):
                requireAuth = true
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
        try certificate.validate()
        if (requireTLS || implicitTLS), !certificate.isSet {
            throw UsageError("\(requireTLS ? "--require-tls" : "--implicit-tls") needs --tls-cert and --tls-key")
        }
        guard !(requireTLS && implicitTLS) else { throw UsageError("--require-tls and --implicit-tls exclude each other") }
        if authFile == nil, authWithoutTLS || requireAuth {
            throw UsageError("\(requireAuth ? "--require-auth" : "--auth-without-tls") needs --auth-file")
        }
        if lmtp, certificate.isSet || authFile != nil { throw UsageError("--lmtp takes no TLS or AUTH flags") }
        configuration = SMTPConfiguration(hostname: hostname)
        configuration.requireTLS = requireTLS
        configuration.implicitTLS = implicitTLS
        configuration.allowsAuthenticationWithoutTLS = authWithoutTLS
        configuration.requireAuthentication = requireAuth
        configuration.maxMessageSize = size == 0 ? nil : size
        configuration.enableSMTPUTF8 = smtputf8
        configuration.commandTimeout = timeout
        configuration.dialect = lmtp ? .lmtp : .smtp
        configuration.enableChunking = chunking
        configuration.enhancedStatusCodes = enhancedStatusCodes
    }
}
