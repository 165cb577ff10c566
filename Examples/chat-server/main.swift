import AsyncCore
import Chat
import ExampleSupport
import Glibc

CommandLineProgram.run(name: "chat-server", usage: ChatServerSettings.usage) { arguments in
    let settings = try ChatServerSettings(arguments)
    let log = { (line: String) in Console.printError("chat-server: \(line)") }

    // One descriptor per client: the usual soft limit of 1024 would cap the room long before memory does.
    let openFileLimit: String
    do {
        openFileLimit = String(try OpenFileLimit.raiseToHardLimit())
    } catch {
        openFileLimit = "unchanged (\(error))"
    }

    guard let address = try SocketAddress.resolve(host: settings.host, port: settings.port).first else {
        throw AddressError.noAddresses(host: settings.host)
    }
    let loop = try EventLoop()
    loop.logger = log
    let server = try ChatServer(address: address, options: settings.options, loop: loop)
    // Before the port is announced, so a stop sent as soon as it is seen is not lost.
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop, unowned server] signal in
        log("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping, closing \(server.room.connectionCount) client connection(s)")
        loop.handle.stop()
    }
    Console.printLine("listening on \(try server.localAddress)")
    log("open-file limit \(openFileLimit), lines up to \(settings.options.maxLineLength) bytes, "
        + "\(settings.options.maxQueuedOutput) bytes of backlog per client")
    try loop.run()
    loop.closeAll()
}
