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

    // Each loop gets a handler of its own; a Maildir that cannot be made
    // stops the program here, before anything listens.
    let (delivery, configuration, quiet) = (settings.delivery, settings.configuration, settings.quiet)
    let makeHandler: @Sendable () throws -> any SMTPDeliveryHandler = {
        let handler: any SMTPDeliveryHandler
        switch delivery {
        case .print: handler = DebugPrintHandler()
        case .maildir(let directory): handler = try MaildirHandler(directory: directory)
        case .discard: handler = ClosureHandler { _ in .ok }
        }
        // Quiet, the log line is not even made: a load test delivers thousands a second.
        return quiet ? handler : DeliveryLog(handler, log: log)
    }
    _ = try makeHandler()
    let (group, servers) = try EventLoopGroup.start(loops: settings.threads) { loop in
        loop.logger = log.write
        return LoopBound(try SMTPServer(configuration: configuration, handler: try makeHandler(), loop: loop), loop: loop)
    }
    let address = try settings.address.open { address in try group.serve(address, handingTo: servers) }
    // Sessions get a moment to read their 421; then the process ends.
    let lifetime = try ServerLifetime(group: group, grace: .seconds(2)) { signal in
        let sessions = servers.reduce(0) { total, server in
            total + ((try? server.handle.submitAndWait { _ in server.value.sessions.count }) ?? 0)
        }
        log("\(signal): stopping, 421 to \(sessions) session\(sessions == 1 ? "" : "s")")
        group.stopAccepting()
        for server in servers { server.handle.execute { server.value.shutDown() } }
    }
    log("open-file limit \(openFileLimit), \(settings.threads) loop thread\(settings.threads == 1 ? "" : "s")")
    Console.printLine("listening on \(address)")
    try lifetime.run()
}
