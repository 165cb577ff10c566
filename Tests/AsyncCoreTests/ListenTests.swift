import AsyncCore
import Glibc
import TestSupport
import Testing

/// `listen(on:backlog:reuseAddress:)` makes a server in one call, and
/// `setReuseAddress()` works before a socket exists.
@Suite("Listening")
struct ListenTests {
    final class Acceptor: Dispatcher {
        var accepted: [SocketAddress] = []
        override func writable() -> Bool { false }
        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            accepted.append(address)
            socket.close()
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func listenOnPortZeroMakesAServerThatAccepts(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let server = Acceptor(loop: loop)
        try server.listen(on: .ipv4("127.0.0.1", port: 0))
        let address = try server.localAddress
        #expect(server.accepting)
        #expect(address.port != 0)
        #expect(try server.socket?.option(.reuseAddress) == 1)
        let client = try Socket.make()
        defer { client.close() }
        _ = try client.connect(to: address)
        try loop.run(until: { server.accepted.count == 1 })
    }

    @Test func reuseAddressCanBeLeftOff() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = Acceptor(loop: loop)
        try server.listen(on: .ipv4("127.0.0.1", port: 0), reuseAddress: false)
        #expect(try server.socket?.option(.reuseAddress) == 0)
    }

    @Test func aTakenPortIsAnErrorNamingTheAddressAndLeavesNoSocket() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let first = Acceptor(loop: loop)
        try first.listen(on: .ipv4("127.0.0.1", port: 0), reuseAddress: false)
        let address = try first.localAddress
        let second = Acceptor(loop: loop)
        let error = #expect(throws: SystemError.self) { try second.listen(on: address, reuseAddress: false) }
        #expect(error?.errno == .addressInUse)
        #expect(error?.description == "bind \(address) failed: Address already in use (EADDRINUSE)")
        #expect(!second.isOpen)
        #expect(loop.dispatchers.count == 1)
    }

    @Test func listensOnAUnixDomainPath() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let address = try SocketAddress(unixPath: folder.path + "/server.sock")
        let server = Acceptor(loop: loop)
        try server.listen(on: address)
        let client = try Socket.make(family: .unix)
        defer { client.close() }
        _ = try client.connect(to: address)
        try loop.run(until: { server.accepted.count == 1 })
    }

    /// Asked for before any socket exists, the option goes on the socket that
    /// `bind(to:)` makes.
    @Test func setReuseAddressBeforeASocketAppliesToTheNextOne() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = Acceptor(loop: loop)
        try server.setReuseAddress()
        try server.bind(to: .ipv4("127.0.0.1", port: 0))
        try server.listen()
        #expect(try server.socket?.option(.reuseAddress) == 1)
    }
}
