import AsyncCore
import Echo
import ExampleSupport
import Glibc

CommandLineProgram.run(name: "echo-server", usage: EchoServerSettings.usage) { arguments in
    let settings = try EchoServerSettings(arguments)
    let log = { (line: String) in Console.printError("echo-server: \(line)") }

    // One descriptor per client: the usual soft limit of 1024 would cap the server long before memory does.
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
    // Before the port is announced, so a stop sent as soon as it is seen is not lost.
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop] signal in
        let clients = loop.dispatchers.count - 1
        log("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping, closing \(clients) client connection\(clients == 1 ? "" : "s")")
        loop.handle.stop()
    }
    let server = try EchoServer(address: address, mode: settings.mode, options: settings.options, loop: loop)
    Console.printLine("listening on \(try server.localAddress)")
    log("mode \(settings.mode), at most \(settings.options.maxPendingOutput) pending bytes per client, lines up to \(settings.options.maxLineLength) bytes, open-file limit \(openFileLimit)")

    try loop.run()
    loop.closeAll()
}
