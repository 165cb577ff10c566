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

/// `EventLoopThread.start`: the setup's value handed back to the starter,
/// blocking and async, and the thread's name and end.
@Suite("Event loop thread start")
struct EventLoopThreadStartTests {
    private struct SetupFailure: Error, Equatable {
        let step: String
    }

    /// The names of this process's threads, from `/proc/self/task/*/comm`.
    private static func threadNames() -> [String] {
        guard let tasks = opendir("/proc/self/task") else { return [] }
        defer { closedir(tasks) }
        var names: [String] = []
        while let entry = readdir(tasks) {
            let task = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard task.first?.isNumber == true, let file = fopen("/proc/self/task/\(task)/comm", "r") else { continue }
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil {
                names.append(String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            fclose(file)
        }
        return names
    }

    /// A thread name no other test uses, within Linux's 15 bytes.
    private static func uniqueName(_ prefix: String) -> String {
        "\(prefix)\(UInt32.random(in: 0...UInt32.max) % 100_000)"
    }

    @Test func theBlockingStartHandsBackTheBoundAddressAndTheServerServesIt() throws {
        let (thread, address) = try EventLoopThread.start { loop in
            let listener = EchoServer(loop: loop)
            try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
            try listener.listen()
            return try listener.localAddress
        }
        defer { thread.stop() }
        let client = try PeerSocket.connect(to: address)
        defer { client.close() }
        let line = Array("the port came back from the loop's thread\n".utf8)
        try client.send(line)
        #expect(try client.receive(count: line.count) == line)
    }

    @Test func theAsyncStartHandsBackTheBoundAddressAndTheServerServesIt() async throws {
        let (thread, address) = try await EventLoopThread.start { loop in
            let listener = EchoServer(loop: loop)
            try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
            try listener.listen()
            return try listener.localAddress
        }
        defer { thread.stop() }
        let client = try PeerSocket.connect(to: address)
        defer { client.close() }
        let line = Array("and to an async starter\n".utf8)
        try client.send(line)
        #expect(try client.receive(count: line.count) == line)
    }

    @Test func theThreadCarriesItsNameUntilItIsStopped() throws {
        let name = Self.uniqueName("named-")
        let thread = try EventLoopThread(name: name) { _ in }
        #expect(Self.threadNames().contains(name))
        #expect("\(thread.handle)".hasSuffix("(thread '\(name)')"))
        thread.stop()
        #expect(!Self.threadNames().contains(name))
    }

    @Test func aSetupErrorReachesTheBlockingStarterAsThrownAndNoThreadIsLeft() throws {
        let name = Self.uniqueName("failing-")
        #expect(throws: SetupFailure(step: "bind")) {
            _ = try EventLoopThread.start(name: name) { _ -> Int in throw SetupFailure(step: "bind") }
        }
        #expect(!Self.threadNames().contains(name))
    }

    @Test func aSetupErrorReachesTheAsyncStarterAsThrownAndNoThreadIsLeft() async throws {
        let name = Self.uniqueName("failing-")
        await #expect(throws: SetupFailure(step: "listen")) {
            _ = try await EventLoopThread.start(name: name) { _ -> Int in throw SetupFailure(step: "listen") }
        }
        #expect(!Self.threadNames().contains(name))
    }

    @Test func stopCalledOnTheLoopsOwnThreadStopsItWithoutWaitingForItself() throws {
        let name = Self.uniqueName("self-stop-")
        let thread = try EventLoopThread(name: name) { _ in }
        thread.handle.execute { thread.stop() }
        let joined = SharedState(false)
        let joiner = TestThread {
            thread.stop()
            joined.update { $0 = true }
        }
        defer { joiner.join() }
        joined.wait(until: { $0 })
        #expect(!Self.threadNames().contains(name))
    }

    @Test func releasingTheLastReferenceOnTheLoopsThreadStopsTheLoop() throws {
        var thread: EventLoopThread? = try EventLoopThread { _ in }
        let handle = try #require(thread?.handle)
        let owner = SharedState<EventLoopThread?>(thread)
        thread = nil
        // The loop's thread drops the last reference, inside a closure.
        handle.execute { owner.update { $0 = nil } }
        let outcome = SharedState<String?>(nil)
        let prober = TestThread {
            var error: (any Error)?
            while error == nil {
                do { try handle.submitAndWait { _ in } } catch let caught { error = caught }
            }
            outcome.update { $0 = "\(error!)" }
        }
        defer { prober.join() }
        outcome.wait(until: { $0 != nil })
        #expect(outcome.current == "\(LoopHandleError.loopStopped(String(describing: handle)))")
    }
}
