// smtp-server: a small SMTP server on the SMTP library — a mail sink that
// prints messages (CPython's `python -m smtpd -c DebuggingServer`), stores
// them in a Maildir, or drops them (for load tests).
import AsyncCore
import Glibc
import SMTP

let usage = """
    usage: smtp-server [options]
      --host HOST        address to listen on (default 127.0.0.1)
      --port PORT        port to listen on (default 8025; 0 picks a free one)
      --hostname NAME    name in the greeting and HELO replies (default: this host's name)
      --maildir DIR      store messages in the Maildir DIR (default: print them)
      --discard          accept messages and drop them (for benchmarks)
      --size N           largest message in bytes, advertised as SIZE; 0 for no limit (default 33554432)
      --smtputf8         accept SMTPUTF8 (RFC 6531)
      --timeout S        close sessions idle for S seconds with 421; 0 never (default 300)
      --help             show this help
    The first line on standard output is "listening on HOST:PORT".
    SIGINT or SIGTERM: stop accepting, answer open sessions 421, exit.
    """

struct Options {
    var host = "127.0.0.1"
    var port: UInt16 = 8025
    var hostname: String?
    var maildir: String?
    var discard = false
    var size = 33_554_432
    var smtputf8 = false
    var timeout = 300
}

func fail(_ message: String) -> Never {
    writeError("smtp-server: \(message)\n\(usage)\n")
    exit(2)
}

func writeError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    func value(_ flag: String) -> String {
        guard let next = rest.popFirst() else { fail("\(flag) needs a value") }
        return next
    }
    func number(_ flag: String, max: Int) -> Int {
        let text = value(flag)
        guard let parsed = Int(text), parsed >= 0, parsed <= max else { fail("bad value for \(flag): \(text)") }
        return parsed
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--host": options.host = value(flag)
        case "--port": options.port = UInt16(number(flag, max: 65535))
        case "--hostname": options.hostname = value(flag)
        case "--maildir": options.maildir = value(flag)
        case "--discard": options.discard = true
        case "--size": options.size = number(flag, max: Int.max)
        case "--smtputf8": options.smtputf8 = true
        case "--timeout": options.timeout = number(flag, max: 365 * 86400)
        case "--help", "-h":
            print(usage)
            exit(0)
        default: fail("unknown option \(flag)")
        }
    }
    if options.discard && options.maildir != nil { fail("--discard and --maildir exclude each other") }
    return options
}

/// Raises the soft limit on open files to the hard limit, so the server can
/// hold as many sessions as the system allows. (Private: AsyncCore has no
/// public helper for this yet.)
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
raiseOpenFileLimit()

var configuration = SMTPConfiguration(hostname: options.hostname)
configuration.maxMessageSize = options.size == 0 ? nil : options.size
configuration.enableSMTPUTF8 = options.smtputf8
configuration.commandTimeout = options.timeout == 0 ? nil : .seconds(options.timeout)

do {
    let handler: any SMTPDeliveryHandler
    if let maildir = options.maildir {
        handler = try MaildirHandler(directory: maildir)
    } else if options.discard {
        handler = ClosureHandler { _ in .ok }
    } else {
        handler = DebugPrintHandler()
    }
    guard let address = try SocketAddress.resolve(host: options.host, port: options.port).first else {
        fail("cannot resolve \(options.host)")
    }
    let loop = try EventLoop()
    let server = try SMTPServer(configuration: configuration, handler: handler, loop: loop)
    try server.listen(on: address)
    print("listening on \(try server.localAddress)")
    fflush(nil)

    var stopDeadline: LoopInstant?
    try loop.onSignals([SIGINT, SIGTERM]) { _ in
        guard stopDeadline == nil else { return }
        server.shutDown()
        // Sessions get a moment to read their 421; then the process ends.
        stopDeadline = loop.clock.now.advanced(by: .seconds(2))
    }
    while true {
        try loop.runPass(timeout: stopDeadline == nil ? nil : .milliseconds(100))
        if let deadline = stopDeadline, loop.dispatchers.isEmpty || loop.clock.now >= deadline { break }
    }
    loop.closeAll()
} catch {
    writeError("smtp-server: \(error)\n")
    exit(1)
}
