import AsyncCore
import Chat
import ExampleSupport

CommandLineProgram.run(name: "chat-server", usage: ChatServerSettings.usage) { arguments in
    let settings = try ChatServerSettings(arguments)
    let log = Log(program: "chat-server", quiet: settings.quiet)
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let loop = try EventLoop()
    loop.logger = log.write
    let server = try settings.address.open { address in
        try ChatServer(address: address, options: settings.options, loop: loop)
    }
    server.proxyProtocol = settings.proxyProtocol
    server.room.onEvent = { log("\($0)") }
    // Members get a moment to read the notice; then the process ends.
    let lifetime = try ServerLifetime(loop: loop, grace: .seconds(2)) { [unowned server] signal in
        let connections = server.room.connectionCount
        log("\(signal): stopping, telling \(connections) connection\(connections == 1 ? "" : "s")")
        server.shutDown()
    }
    Console.printLine("listening on \(try server.localAddress)")
    let idle = settings.options.idleTimeout.map(DurationFormat.text) ?? "none"
    log("open-file limit \(openFileLimit), lines up to \(settings.options.maxLineLength) bytes, "
        + "\(settings.options.maxQueuedOutput) bytes of backlog per client, idle timeout \(idle)")
    try lifetime.run()
}
