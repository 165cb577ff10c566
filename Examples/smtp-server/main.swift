// smtp-server: a small SMTP or LMTP server on the SMTP library — a mail sink
// that prints messages (CPython's `python -m smtpd -c DebuggingServer`),
// stores them in a Maildir, or drops them (for load tests).
import AsyncCore
import ExampleSupport
import Glibc
import SMTP

CommandLineProgram.run(name: "smtp-server", usage: SMTPServerSettings.usage) { arguments in
    var settings = try SMTPServerSettings(arguments)
    if !settings.quiet { settings.configuration.sessionLog = { Console.printError("smtp-server: " + $0) } }

    // One descriptor per session: the usual soft limit of 1024 would cap the
    // server long before memory does. Without the raise it still serves.
    do {
        try OpenFileLimit.raiseToHardLimit()
    } catch {
        Console.printError("smtp-server: open-file limit unchanged (\(error))")
    }

    let handler: any SMTPHandler
    switch settings.delivery {
    case .print: handler = DebugPrintHandler()
    case .maildir(let directory): handler = try MaildirHandler(directory: directory)
    case .discard: handler = ClosureHandler { _ in .ok }
    }
    let address: SocketAddress
    if let path = settings.unixPath {
        // A socket file left by an earlier run would make bind fail; anything else there is kept.
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
        address = .unix(path: path)
    } else if let resolved = try SocketAddress.resolve(host: settings.host, port: settings.port).first {
        address = resolved
    } else {
        throw AddressError.noAddresses(host: settings.host)
    }
    let loop = try EventLoop()
    let server = try SMTPServer(configuration: settings.configuration, handler: handler, loop: loop)
    try server.listen(on: address)

    // Before the port is announced, so a stop sent as soon as it is seen is not lost.
    var stopDeadline: LoopInstant?
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop] signal in
        guard stopDeadline == nil else { return }
        let sessions = server.sessions.count
        Console.printError("smtp-server: \(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping, 421 to \(sessions) session\(sessions == 1 ? "" : "s")")
        server.shutDown()
        // Sessions get a moment to read their 421; then the process ends.
        stopDeadline = loop.clock.now.advanced(by: .seconds(2))
    }
    Console.printLine("listening on \(try server.localAddress)")

    while true {
        try loop.runPass(timeout: stopDeadline == nil ? nil : .milliseconds(100))
        if let deadline = stopDeadline, loop.dispatchers.isEmpty || loop.clock.now >= deadline { break }
    }
    loop.closeAll()
}
