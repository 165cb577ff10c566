import AsyncCore
import Chat
import Glibc

/// Standard error, unbuffered, prefixed with the program's name.
func logLine(_ text: String) {
    let line = Array("chat-server: \(text)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func serve(_ arguments: [String]) throws {
    let settings = try ChatServerSettings(arguments)
    let openFileLimit = raiseOpenFileLimit()
    guard let address = try SocketAddress.resolve(host: settings.host, port: settings.port).first else {
        throw AddressError.noAddresses(host: settings.host)
    }
    let loop = try EventLoop()
    loop.logger = logLine
    let server = try ChatServer(address: address, options: settings.options, loop: loop)
    // Flushed at once: a parent process waits for this line to learn the port.
    print("listening on \(try server.localAddress)")
    fflush(nil)
    logLine("open-file limit \(openFileLimit), lines up to \(settings.options.maxLineLength) bytes, "
        + "\(settings.options.maxQueuedOutput) bytes of backlog per client")
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop, unowned server] signal in
        logLine("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping, closing \(server.room.connectionCount) client connection(s)")
        loop.handle.stop()
    }
    try loop.run()
    loop.closeAll()
}

signal(SIGPIPE, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(ChatServerSettings.usage)
    exit(0)
}
do {
    try serve(arguments)
} catch let error as UsageError {
    logLine("\(error)")
    logLine("try 'chat-server --help' for more information")
    exit(2)
} catch {
    logLine("\(error)")
    exit(1)
}
