import AsyncCore
import ExampleSupport
import Glibc

CommandLineProgram.run(name: "echo-client", usage: EchoClientSettings.usage) { arguments in
    let settings = try EchoClientSettings(arguments)
    let loop = try EventLoop()
    loop.logger = { Console.printError("echo-client: \($0)") }
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop] _ in loop.handle.stop() }

    let server = EchoClientChannel(loop: loop)
    try server.connect(host: settings.host, port: settings.port)
    let input = try StandardInputReader(server: server, loop: loop)
    server.onEnd = { input.close() }
    try loop.run()
    loop.closeAll()
    if let failure = server.failure {
        throw EchoClientError(host: settings.host, port: settings.port, reason: failure)
    }
}

/// Why the session with the server failed.
struct EchoClientError: Error, CustomStringConvertible {
    let host: String
    let port: UInt16
    let reason: any Error

    var description: String { "\(host):\(port): \(reason)" }
}
