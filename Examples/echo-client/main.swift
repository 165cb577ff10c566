import AsyncCore
import ExampleSupport
import Glibc

CommandLineProgram.run(name: "echo-client", usage: EchoClientSettings.usage) { arguments in
    let settings = try EchoClientSettings(arguments)
    let log = Log(program: "echo-client", quiet: settings.quiet)
    guard let address = try SocketAddress.resolve(host: settings.host, port: settings.port).first else {
        throw AddressError.noAddresses(host: settings.host)
    }
    let loop = try EventLoop()
    loop.logger = log.write
    var stoppedBy: Int32?
    try loop.onSignals([SIGINT, SIGTERM]) { [unowned loop] signal in
        stoppedBy = signal
        loop.handle.stop()
    }

    let server = EchoClientChannel(log: log, loop: loop)
    do {
        try server.connect(to: address)
    } catch {
        throw EchoClientError(address: address, reason: "\(error)")
    }
    let input = try StandardInputReader(server: server, loop: loop)
    server.onEnd = { input.close() }
    try loop.run()
    loop.closeAll()
    if let failure = server.failure {
        throw EchoClientError(address: address, reason: "\(failure)")
    }
    if let stoppedBy { throw Interruption(signal: stoppedBy) }
    if !input.reachedEndOfInput {
        throw EchoClientError(address: address, reason: "the server closed the connection before the end of input")
    }
}
