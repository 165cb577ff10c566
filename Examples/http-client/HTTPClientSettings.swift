import AsyncTLS
import ExampleSupport

/// What the http-client command line asked for.
struct HTTPClientSettings {
    static let usage = """
        usage: http-client [--verbose | --quiet] [--timeout DURATION]
                           [--insecure | --ca-file FILE] URL

        Fetches URL with an HTTP/1.0 GET and prints the response, headers
        and body, to standard output: the asyncore documentation's client.

          URL                 http://HOST[:PORT][/PATH] or https://...; HOST may be a
                              name, an IPv4 address or an IPv6 address in brackets
          -v, --verbose       log each dispatcher hook too, as the PyMOTW asyncore
                              article's client does
          -q, --quiet         log nothing
          --timeout DURATION  give up after this long: 30s, 1.5s, 2m, or none to
                              wait as long as the server keeps the connection
                              (default \(DurationFormat.text(defaultTimeout)))
          --ca-file FILE      https: trust the authorities in FILE (PEM) instead of
                              the system's
          -k, --insecure      https: accept any certificate, for any host (the
                              connection is encrypted, the server not checked)
          -h, --help          show this help

        An https:// URL is fetched over TLS; the server's certificate must be
        issued for HOST by an authority the system trusts, unless --ca-file or
        --insecure says otherwise. TLS needs a build with the package's TLS
        trait: swift build --traits TLS.

        Standard error gets one line for a response that came whole:
        "http-client: http://example.org/: 200 OK, 1256 bytes from 93.184.215.14:80".

        Exit status: 0 for a response with a status below 400; 1 when the fetch
        failed (refused, reset, timed out) or the server answered 400 or more,
        or with no HTTP status line (the response is printed all the same);
        2 for a bad command line or URL.
        """

    static let defaultTimeout = Duration.seconds(30)

    var url: HTTPURL
    var verbose = false
    var quiet = false
    var timeout: Duration? = Self.defaultTimeout
    var insecure = false
    var caFile: String?

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var url: HTTPURL?
        while let argument = scanner.next() {
            switch argument {
            case .flag("--verbose"), .flag("-v"):
                verbose = true
            case .flag("--quiet"), .flag("-q"):
                quiet = true
            case .flag("--timeout"):
                timeout = try scanner.timeout(for: "--timeout")
            case .flag("--insecure"), .flag("-k"):
                insecure = true
            case .flag("--ca-file"):
                caFile = try scanner.value(for: "--ca-file")
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                guard url == nil else { throw UsageError("only one URL, please; unexpected '\(text)'") }
                url = try HTTPURL(parsing: text)
            }
        }
        guard let url else { throw UsageError("missing URL") }
        guard !(verbose && quiet) else { throw UsageError("--verbose and --quiet exclude each other") }
        guard !(insecure && caFile != nil) else { throw UsageError("--insecure and --ca-file exclude each other") }
        self.url = url
    }

    /// Which servers an https:// fetch accepts.
    var trust: TLSTrust {
        if insecure { return .anyCertificate }
        return caFile.map { .certificates(file: $0) } ?? .systemStore
    }
}
