import AsyncCore
import Glibc
import TestSupport
import Testing

/// Which hook each kind of readiness reaches, and where errors thrown by a
/// hook go (test_asyncore's `test_readwriteexc` and `test_readwrite`,
/// T-AC-1 and T-AC-2, with real sockets instead of a fake object).
@Suite("Hook routing")
struct HookRoutingTests {
    private struct DeliberateFailure: Error, Equatable {}

    enum Hook: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case read, write, expt
        var testDescription: String { rawValue }
    }

    @Test(arguments: PollerBackend.allCases)
    func incomingDataCallsOnlyHandleRead(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isWritable = false
        var received: [UInt8] = []
        dispatcher.onRead = { received += try $0.recv(64) }
        try writeAll(theirs.descriptor, Array("ping".utf8))

        try loop.run(until: { received.count == 4 })
        #expect(received == Array("ping".utf8))
        #expect(Set(dispatcher.hooks) == ["read"])
    }

    @Test(arguments: PollerBackend.allCases)
    func roomToWriteCallsOnlyHandleWrite(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.onWrite = { $0.isWritable = false }

        try loop.run(until: { dispatcher.count("write") == 1 })
        try loop.run(timeout: .zero, count: 2)
        #expect(dispatcher.hooks == ["write"])
    }

    @Test(arguments: PollerBackend.allCases, Transport.ip)
    func urgentDataCallsHandleExpt(backend: PollerBackend, transport: Transport) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try tcpPair(family: transport.family)
        defer { theirs.close() }
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isWritable = false
        var urgent: [UInt8] = []
        dispatcher.onExpt = { dispatcher in
            var byte: UInt8 = 0
            if try withUnsafeMutableBytes(of: &byte, { try dispatcher.socket!.receive(into: $0, flags: .outOfBand) }) == 1 {
                urgent.append(byte)
            }
        }
        dispatcher.onRead = { _ = try $0.recv(64) }
        try sendUrgent(theirs, 0x21)

        try loop.run(until: { !urgent.isEmpty })
        #expect(urgent == [0x21])
        #expect(Set(dispatcher.hooks).isSubset(of: ["read", "expt"]))
    }

    @Test(arguments: PollerBackend.allCases)
    func aHangupWithReadInterestEndsInOneHandleClose(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isWritable = false
        dispatcher.onRead = { _ = try $0.recv(64) }
        theirs.close()

        try loop.run(until: { !dispatcher.isOpen })
        #expect(dispatcher.hooks == ["read", "close"])
    }

    @Test(arguments: PollerBackend.allCases)
    func aHangupWithOnlyWriteInterestEndsInOneHandleClose(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.onWrite = { try $0.send(Array("late".utf8)) }
        theirs.close()

        try loop.run(until: { !dispatcher.isOpen })
        #expect(dispatcher.hooks == ["write", "close"])
    }

    @Test(arguments: PollerBackend.allCases)
    func aHangupWithNoInterestCallsNoHook(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.isReadable = false
        dispatcher.isWritable = false
        theirs.close()

        try loop.run(timeout: .milliseconds(10), count: 3)
        #expect(dispatcher.hooks.isEmpty)
        #expect(dispatcher.isOpen)
    }

    @Test(arguments: PollerBackend.allCases, Hook.allCases)
    func anyOtherErrorThrownByAHookReachesHandleError(backend: PollerBackend, hook: Hook) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (dispatcher, peer) = try routedDispatcher(loop: loop, hook: hook) { throw DeliberateFailure() }
        defer { peer.close() }

        try loop.run(until: { dispatcher.count("error") == 1 })
        #expect(dispatcher.errors.first as? DeliberateFailure == DeliberateFailure())
        #expect(dispatcher.hooks == [hook.rawValue, "error"])
    }

    @Test(arguments: PollerBackend.allCases, Hook.allCases)
    func aDisconnectErrorThrownByAHookEndsInHandleClose(backend: PollerBackend, hook: Hook) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (dispatcher, peer) = try routedDispatcher(loop: loop, hook: hook) { throw SystemError(.recv, errno: .connectionReset) }
        defer { peer.close() }

        try loop.run(until: { !dispatcher.isOpen })
        #expect(dispatcher.errors.isEmpty)
        #expect(dispatcher.hooks == [hook.rawValue, "close"])
    }

    /// A dispatcher on which only `hook` will fire, running `body` in it; the
    /// returned socket is the peer, kept open by the caller.
    private func routedDispatcher(
        loop: EventLoop, hook: Hook, _ body: @escaping () throws -> Void
    ) throws -> (HookRecorder, Socket) {
        switch hook {
        case .read, .write:
            let (mine, theirs) = try Socket.pair()
            let dispatcher = try HookRecorder(socket: mine, loop: loop)
            dispatcher.isReadable = hook == .read
            dispatcher.isWritable = hook == .write
            dispatcher.onRead = { _ in try body() }
            dispatcher.onWrite = { _ in try body() }
            if hook == .read { try writeAll(theirs.descriptor, [1]) }
            return (dispatcher, theirs)
        case .expt:
            let (mine, theirs) = try tcpPair()
            let dispatcher = try HookRecorder(socket: mine, loop: loop)
            dispatcher.isWritable = false
            dispatcher.onExpt = { _ in try body() }
            try sendUrgent(theirs, 1)
            return (dispatcher, theirs)
        }
    }
}
