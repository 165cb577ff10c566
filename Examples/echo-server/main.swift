import AsyncCore
import Echo
import ExampleSupport

CommandLineProgram.run(name: "echo-server", usage: EchoServerSettings.usage) { arguments in
    let settings = try EchoServerSettings(arguments)
    let log = Log(program: "echo-server", quiet: settings.quiet)
    let tls = try settings.certificate.context()
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let (mode, options, quiet) = (settings.mode, settings.options, settings.quiet)
    let group = try EventLoopGroup(loops: settings.threads)
    let address = try settings.address.open { address in
        try group.serve(address, proxyProtocol: settings.proxyProtocol) { loop in
            loop.logger = log.write
            let server = EchoServer(mode: mode, options: options, tls: tls, loop: loop)
            // Quiet, no client carries a closure and its address for the log.
            if !quiet { server.onEvent = { log("\($0)") } }
            return server
        }
    }
    let lifetime = try ServerLifetime(group: group, grace: .zero) { signal in
        let clients = group.openDispatcherCount() - 1
        log("\(signal): stopping, closing \(clients) client connection\(clients == 1 ? "" : "s")")
    }
    log("mode \(settings.mode)\(tls == nil ? "" : " over TLS"), at most \(settings.options.maxPendingOutput) pending bytes per client, lines up to \(settings.options.maxLineLength) bytes, open-file limit \(openFileLimit), \(settings.threads) loop thread\(settings.threads == 1 ? "" : "s")")
    Console.printLine("listening on \(address)")
    try lifetime.run()
}
