import AsyncCore
import Glibc
import TestSupport
import Testing

/// End-to-end echo over every transport, and many clients at once on one loop.
@Suite("Echo")
struct EchoTests {
    /// Sends `message` once connected and closes once it has it back.
    final class EchoClient: DispatcherWithSend {
        let message: [UInt8]
        var received: [UInt8] = []
        var errors: [any Error] = []
        var onDone: () -> Void = {}

        init(loop: EventLoop, message: [UInt8]) {
            self.message = message
            super.init(loop: loop)
        }

        override func handleConnect() throws {
            try send(message)
        }

        override func handleRead() throws {
            received += try recv(65536)
            if received.count >= message.count {
                close()
                onDone()
            }
        }

        override func handleClose() { close() }
        override func handleError(_ error: any Error) { errors.append(error); close() }
    }

    @Test(arguments: PollerBackend.allCases, Transport.allCases)
    func everyClientGetsBackExactlyWhatItSent(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        let address = transport.listenAddress()
        defer { removeSocketFile(address); loop.closeAll() }
        let server = EchoServer(loop: loop)
        try server.bind(to: address)
        try server.listen()
        let bound = try server.localAddress
        let clients = try (0..<3).map { index in
            let client = EchoClient(loop: loop, message: testPattern(count: 200_000 + index * 7_919, seed: index))
            try client.connect(to: bound)
            return client
        }

        try loop.run(until: { clients.allSatisfy { !$0.isOpen } })
        for client in clients {
            #expect(client.received == client.message)
            #expect(client.errors.isEmpty)
        }
        try loop.run(until: { loop.dispatchers.count == 1 })
    }

    @Test(
        .enabled(if: mayOpenDescriptors(8192), "needs a soft descriptor limit of 8,192 (ulimit -n 8192): about 2,100 descriptors per case"),
        arguments: PollerBackend.allCases
    )
    func aThousandConcurrentClientsEachGetTheirOwnLineBack(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let server = EchoServer(loop: loop)
        try server.bind(to: .ipv4(host: "127.0.0.1", port: 0))
        try server.listen()
        let bound = try server.localAddress
        var done = 0
        let clients = try (0..<1000).map { index in
            let client = EchoClient(loop: loop, message: Array("client \(index) says \(String(index * 7_919, radix: 36))\r\n".utf8))
            client.onDone = { done += 1 }
            try client.connect(to: bound)
            return client
        }

        try loop.run(until: { done == clients.count || clients.contains { !$0.errors.isEmpty } })
        #expect(done == clients.count)
        for client in clients where client.received != client.message || !client.errors.isEmpty {
            Issue.record("client got \(client.received.count) bytes, errors \(client.errors)")
        }
    }
}

/// Whether this process may open `count` descriptors. The limit is never
/// raised here (it is the whole process's); `.ci/run` starts the suite with
/// the soft limit at the hard limit, as `ulimit -n` does in a shell.
func mayOpenDescriptors(_ count: Int) -> Bool {
    guard let limit = try? OpenFileLimit.current() else { return false }
    return limit.soft >= count
}
