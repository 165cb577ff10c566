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

    let handler: any SMTPHandler
    switch settings.delivery {
    case .print: handler = DebugPrintHandler()
    case .maildir(let directory): handler = try MaildirHandler(directory: directory)
    case .discard: handler = ClosureHandler { _ in .ok }
    }
    let loop = try EventLoop()
    loop.logger = log.write
    let server = try SMTPServer(configuration: settings.configuration, handler: handler, loop: loop)
    server.proxyProtocol = settings.proxyProtocol
    if let path = settings.unixPath {
        UnixSocketPath.replaceStaleSocket(at: path)
        do throws(SystemError) {
            try server.listen(on: .unix(path: path))
        } catch {
            throw ListenError(address: .unix(path: path), reason: error)
        }
    } else {
        try settings.address.open { address in try server.listen(on: address) }
    }
    // Sessions get a moment to read their 421; then the process ends.
    let lifetime = try ServerLifetime(loop: loop, grace: .seconds(2)) { signal in
        let sessions = server.sessions.count
        log("\(signal): stopping, 421 to \(sessions) session\(sessions == 1 ? "" : "s")")
        server.shutDown()
    }
    Console.printLine("listening on \(try server.localAddress)")
    log("open-file limit \(openFileLimit)\(securitySummary(settings))")
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
