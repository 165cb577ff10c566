import AsyncChat
import AsyncCore
import Echo
import ExampleSupport

CommandLineProgram.run(name: "echo-server", usage: EchoServerSettings.usage) { arguments in
    let settings = try EchoServerSettings(arguments)
    let log = Log(program: "echo-server", quiet: settings.quiet)
    let tls = try settings.certificate.context()
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let (mode, options, usesAsync) = (settings.mode, settings.options, settings.async)
    // Quiet, no client carries a closure and its address for the log.
    let report: @Sendable (EchoEvent) -> Void = { event in log("\(event)") }
    let onEvent = settings.quiet ? nil : report
    let group = try EventLoopGroup(loops: settings.threads)
    let address = try settings.address.open { address in
        try group.serve(address, proxyProtocol: settings.proxyProtocol) { loop in
            loop.logger = log.write
            return EchoServerSettings.makeServer(mode: mode, options: options, tls: tls, async: usesAsync, onEvent: onEvent, loop: loop)
        }
    }
    let lifetime = try ServerLifetime(group: group, grace: .zero) { signal in
        let clients = group.openDispatcherCount() - 1
        log("\(signal): stopping, closing \(clients) client connection\(clients == 1 ? "" : "s")")
    }
    log("mode \(settings.mode)\(usesAsync ? " (async)" : "")\(tls == nil ? "" : " over TLS"), at most \(settings.options.maxPendingOutput) pending bytes per client, lines up to \(settings.options.maxLineLength) bytes, open-file limit \(openFileLimit), \(settings.threads) loop thread\(settings.threads == 1 ? "" : "s")")
    Console.printLine("listening on \(address)")
    try lifetime.run()
}

