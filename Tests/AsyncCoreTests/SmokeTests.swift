import AsyncCore
import Glibc
import TestSupport
import Testing

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
