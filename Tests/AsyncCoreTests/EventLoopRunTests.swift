import AsyncCore
import Glibc
import Testing

/// `run(timeout:count:)`: asyncore's `loop()` (AC-9), with `stop()` added.
@Suite("Running the loop")
struct EventLoopRunTests {
    @Test(arguments: PollerBackend.allCases)
    func runReturnsAtOnceWhenNothingIsRegistered(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let start = ContinuousClock.now
        try loop.run(timeout: .seconds(10))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test(arguments: PollerBackend.allCases)
    func countLimitsPassesNotEvents(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.onWrite = { _ in }

        try loop.run(timeout: .zero, count: 5)
        #expect(dispatcher.hooks == Array(repeating: "write", count: 5))
    }

    @Test(arguments: PollerBackend.allCases)
    func runReturnsOnceTheLastDispatcherCloses(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.onWrite = { if $0.count("write") == 3 { $0.close() } }

        try loop.run(timeout: .seconds(1), count: 100)
        #expect(dispatcher.count("write") == 3)
        #expect(loop.dispatchers.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func stopFromAHandlerEndsRunAfterThatPass(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.onWrite = { if $0.count("write") == 1 { $0.loop.handle.stop() } }

        try loop.run(timeout: .seconds(1), count: 100)
        #expect(dispatcher.count("write") == 1)
        #expect(!loop.handle.isStopRequested)
        try loop.run(timeout: .zero, count: 2)
        #expect(dispatcher.count("write") == 3)
    }

    @Test(arguments: PollerBackend.allCases)
    func aStopRequestedBeforeRunUntilStoppedEndsItAtOnce(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        loop.handle.stop()
        #expect(loop.handle.isStopRequested)
        try loop.runUntilStopped()
        #expect(!loop.handle.isStopRequested)
    }
}
