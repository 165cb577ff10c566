// smtp-server: a small SMTP server on the SMTP library — a mail sink that
// prints messages (CPython's `python -m smtpd -c DebuggingServer`), stores
// them in a Maildir, or drops them (for load tests).
import AsyncCore
import ExampleSupport
import SMTP

CommandLineProgram.run(name: "smtp-server", usage: SMTPServerSettings.usage) { arguments in
    let settings = try SMTPServerSettings(arguments)
    let log = Log(program: "smtp-server", quiet: settings.quiet)
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let handler: any SMTPDeliveryHandler
    switch settings.delivery {
    case .print: handler = DebugPrintHandler()
    case .maildir(let directory): handler = try MaildirHandler(directory: directory)
    case .discard: handler = ClosureHandler { _ in .ok }
    }
    let loop = try EventLoop()
    loop.logger = log.write
    // Quiet, the log line is not even made: a load test delivers thousands a second.
    let delivery = settings.quiet ? handler : DeliveryLog(handler, log: log)
    let server = try SMTPServer(configuration: settings.configuration, handler: delivery, loop: loop)
    try settings.address.open { address in try server.listen(on: address) }
    // Sessions get a moment to read their 421; then the process ends.
    let lifetime = try ServerLifetime(loop: loop, grace: .seconds(2)) { signal in
        let sessions = server.sessions.count
        log("\(signal): stopping, 421 to \(sessions) session\(sessions == 1 ? "" : "s")")
        server.shutDown()
    }
    Console.printLine("listening on \(try server.localAddress)")
    log("open-file limit \(openFileLimit)")
    try lifetime.run()
}
