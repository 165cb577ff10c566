import AsyncCore
import Echo
import ExampleSupport

CommandLineProgram.run(name: "echo-server", usage: EchoServerSettings.usage) { arguments in
    let settings = try EchoServerSettings(arguments)
    let log = Log(program: "echo-server", quiet: settings.quiet)
    let tls = try settings.certificate.context()
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let loop = try EventLoop()
    loop.logger = log.write
    let server = try settings.address.open { address in
        try EchoServer(address: address, mode: settings.mode, options: settings.options, tls: tls, loop: loop)
    }
    server.proxyProtocol = settings.proxyProtocol
    // Quiet, no client carries a closure and its address for the log.
    if !settings.quiet { server.onEvent = { log("\($0)") } }
    let lifetime = try ServerLifetime(loop: loop, grace: .zero) { signal in
        let clients = loop.dispatchers.count - 1
        log("\(signal): stopping, closing \(clients) client connection\(clients == 1 ? "" : "s")")
    }
    Console.printLine("listening on \(try server.localAddress)")
    log("mode \(settings.mode)\(tls == nil ? "" : " over TLS"), at most \(settings.options.maxPendingOutput) pending bytes per client, lines up to \(settings.options.maxLineLength) bytes, open-file limit \(openFileLimit)")
    try lifetime.run()
}
