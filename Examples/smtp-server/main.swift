// smtp-server: a small SMTP or LMTP server on the SMTP library — a mail sink
// that prints messages (CPython's `python -m smtpd -c DebuggingServer`),
// stores them in a Maildir, or drops them (for load tests).
import AsyncCore
import ExampleSupport
import SMTP

CommandLineProgram.run(name: "smtp-server", usage: SMTPServerSettings.usage) { arguments in
    var settings = try SMTPServerSettings(arguments)
    let log = Log(program: "smtp-server", quiet: settings.quiet)
    settings.configuration.tls = try settings.certificate.context()
    if let path = settings.authFile { settings.configuration.authenticator = try PasswordFile.read(path) }
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()
    // Quiet, the log lines are not even made: a load test delivers thousands a second.
    if !settings.quiet { settings.configuration.sessionLog = log.write }

    // Handlers are loop-confined: each loop gets its own, the Maildir's
    // writer threads shared out among them. A Maildir that cannot be made
    // stops the program here, before anything listens.
    let (delivery, configuration, threads) = (settings.delivery, settings.configuration, settings.threads)
    let (group, servers) = try EventLoopGroup.start(loops: threads) { loop in
        loop.logger = log.write
        let handler: any SMTPHandler
        switch delivery {
        case .print: handler = DebugPrintHandler()
        case .maildir(let directory): handler = try MaildirHandler(directory: directory, writers: max(1, 16 / threads))
        case .discard: handler = ClosureHandler { _ in .ok }
        }
        return LoopBound(try SMTPServer(configuration: configuration, handler: handler, loop: loop), loop: loop)
    }
    let address: SocketAddress
    if let path = settings.unixPath {
        UnixSocketPath.replaceStaleSocket(at: path)
        do {
            address = try group.serve(.unix(path: path), proxyProtocol: settings.proxyProtocol, handingTo: servers)
        } catch let error as SystemError {
            throw ListenError(address: .unix(path: path), reason: error)
        }
    } else {
        address = try settings.address.open { address in
            try group.serve(address, proxyProtocol: settings.proxyProtocol, handingTo: servers)
        }
    }
    // Sessions get a moment to read their 421; then the process ends.
    let lifetime = try ServerLifetime(group: group, grace: .seconds(2)) { signal in
        let sessions = servers.reduce(0) { total, server in
            total + ((try? server.handle.submitAndWait { _ in server.value.sessions.count }) ?? 0)
        }
        log("\(signal): stopping, 421 to \(sessions) session\(sessions == 1 ? "" : "s")")
        group.stopAccepting()
        for server in servers { server.handle.execute { server.value.shutDown() } }
    }
    log("open-file limit \(openFileLimit), \(settings.threads) loop thread\(settings.threads == 1 ? "" : "s")\(securitySummary(settings))")
    Console.printLine("listening on \(address)")
    try lifetime.run()
}

/// What the log's start line says about TLS and AUTH: ", STARTTLS, AUTH for 2 users".
private func securitySummary(_ settings: SMTPServerSettings) -> String {
    let configuration = settings.configuration
    var parts: [String] = []
    if configuration.tls != nil {
        parts.append(configuration.implicitTLS ? "TLS from the first byte" : configuration.requireTLS ? "STARTTLS required" : "STARTTLS")
    }
    if let table = configuration.authenticator as? SMTPPasswordTable {
        let count = table.users.count
        parts.append("AUTH for \(count) user\(count == 1 ? "" : "s")\(configuration.allowsAuthenticationWithoutTLS ? " (also without TLS)" : "")")
    }
    return parts.map { ", " + $0 }.joined()
}
