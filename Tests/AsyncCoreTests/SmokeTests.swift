import AsyncCore
import Glibc
import Testing

final class EchoHandler: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(8192)
        if !bytes.isEmpty { try send(bytes) }
    }
}

final class EchoServer: Dispatcher {
    override func writable() -> Bool { false }
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        _ = try EchoHandler(socket: socket, loop: loop)
    }
}

final class Collector: DispatcherWithSend {
    var received: [UInt8] = []
    var closed = false
    override func handleConnect() throws {}
    override func handleRead() throws { received += try recv(8192) }
    override func handleClose() { closed = true; close() }
}

@Test(arguments: PollerBackend.allCases)
func echoRoundTrip(backend: PollerBackend) throws {
    let loop = try EventLoop(backend: backend)
    let server = EchoServer(loop: loop)
    try server.bind(to: .ipv4(port: 0))
    try server.listen()
    let client = Collector(loop: loop)
    try client.connect(to: try server.localAddress)
    try client.send(Array("hello\n".utf8))
    try loop.run(until: { client.received.count == 6 })
    #expect(client.received == Array("hello\n".utf8))
    try client.shutdownOutput()
    try loop.run(until: { client.closed })
    loop.closeAll()
}
