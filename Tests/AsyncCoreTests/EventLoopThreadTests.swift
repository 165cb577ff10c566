import AsyncCore
import Glibc
import Testing

/// `EventLoopThread`: a loop on a thread of its own, started and stopped from
/// the test thread.
@Suite("Event loop thread")
struct EventLoopThreadTests {
    private struct SetupFailure: Error, Equatable {}

    @Test(arguments: PollerBackend.allCases)
    func startsServesAndStopsFromTheTestThread(backend: PollerBackend) throws {
        let bound = SharedState<SocketAddress?>(nil)
        let server = try EventLoopThread(backend: backend) { loop in
            let listener = EchoServer(loop: loop)
            try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
            try listener.listen()
            let address = try listener.localAddress
            bound.update { $0 = address }
        }
        let address = try #require(bound.current)

        let line = Array("served from another thread\n".utf8)
        let client = try PeerSocket.connect(to: address)
        defer { client.close() }
        try client.send(line)
        #expect(try client.receive(count: line.count) == line)

        let onLoopThread = SharedState<Bool?>(nil)
        let testThread = pthread_self()
        server.handle.execute { onLoopThread.update { $0 = pthread_equal(pthread_self(), testThread) == 0 } }
        onLoopThread.wait(until: { $0 != nil })
        #expect(onLoopThread.current == true)

        server.stop()
        server.stop()
        // Stopping closed every dispatcher: the echo connection ended and the
        // port no longer accepts.
        #expect(try client.receiveToEnd().isEmpty)
        #expect(throws: SystemError(.connect, errno: .connectionRefused)) {
            _ = try PeerSocket.connect(to: address)
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func anErrorThrownBySetupIsThrownByInit(backend: PollerBackend) throws {
        #expect(throws: SetupFailure()) {
            _ = try EventLoopThread(backend: backend) { _ in throw SetupFailure() }
        }
    }
}
