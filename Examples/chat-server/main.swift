import AsyncCore
import Chat
import ExampleSupport

CommandLineProgram.run(name: "chat-server", usage: ChatServerSettings.usage) { arguments in
    let settings = try ChatServerSettings(arguments)
    let log = Log(program: "chat-server", quiet: settings.quiet)
    let openFileLimit = ServerLifetime.raiseOpenFileLimit()

    let (group, _) = try EventLoopGroup.start(loops: settings.threads) { loop in loop.logger = log.write }
    let servers = try ChatServer.makeServers(on: group, options: settings.options)
    for server in servers {
        try server.handle.submitAndWait { _ in server.value.room.onEvent = { log("\($0)") } }
    }
    let address = try settings.address.open { address in
        try group.serve(address, proxyProtocol: settings.proxyProtocol, handingTo: servers)
    }
    // Members get a moment to read the notice; then the process ends.
    let lifetime = try ServerLifetime(group: group, grace: .seconds(2)) { signal in
        let connections = servers.reduce(0) { total, server in
            total + ((try? server.handle.submitAndWait { _ in server.value.room.connectionCount }) ?? 0)
        }
        log("\(signal): stopping, telling \(connections) connection\(connections == 1 ? "" : "s")")
        group.stopAccepting()
        for server in servers { server.handle.execute { server.value.shutDown() } }
    }
    let idle = settings.options.idleTimeout.map(DurationFormat.text) ?? "none"
    log("open-file limit \(openFileLimit), \(settings.threads) loop thread\(settings.threads == 1 ? "" : "s"), "
        + "lines up to \(settings.options.maxLineLength) bytes, \(settings.options.maxQueuedOutput) bytes of backlog per client, "
        + "idle timeout \(idle)")
    Console.printLine("listening on \(address)")
    try lifetime.run()
}
