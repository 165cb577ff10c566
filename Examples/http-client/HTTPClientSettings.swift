import ExampleSupport

/// What the http-client command line asked for.
struct HTTPClientSettings {
    static let usage = """
        usage: http-client [--verbose] [--timeout SECONDS] URL

        Fetches URL with an HTTP/1.0 GET and prints the response, headers
        and body, to standard output: the asyncore documentation's client.

          URL                http://HOST[:PORT][/PATH]; HOST may be a name, an IPv4
                             address or an IPv6 address in brackets
          --verbose          log each dispatcher hook to standard error, as the
                             PyMOTW asyncore article's client does
          --timeout SECONDS  give up after this long (default 30)
          -h, --help         show this help
        """

    var url: HTTPURL
    var verbose = false
    var timeout = Duration.seconds(30)

    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var url: HTTPURL?
        while let argument = scanner.next() {
            switch argument {
            case .flag("--verbose"), .flag("-v"):
                verbose = true
            case .flag("--timeout"):
                timeout = .seconds(try scanner.integer(for: "--timeout", in: 1...86_400))
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                guard url == nil else { throw UsageError("only one URL, please; unexpected '\(text)'") }
                url = try HTTPURL(parsing: text)
            }
        }
        guard let url else { throw UsageError("missing URL") }
        self.url = url
    }
}
