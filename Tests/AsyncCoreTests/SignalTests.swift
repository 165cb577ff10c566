import AsyncCore
import Glibc
import TestSupport
import Testing

/// `onSignals`: signals become callbacks on the loop thread. Signal handlers
/// are process-wide, so this suite runs its cases one at a time, and it is
/// the only one that installs any.
@Suite("Signals", .serialized)
struct SignalTests {
    @Test(arguments: PollerBackend.allCases)
    func aRaisedSignalRunsTheCallbackOnTheLoop(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        var received: [Int32] = []
        try loop.onSignals([SIGUSR1]) { received.append($0) }
        raiseHere(SIGUSR1)
        #expect(received.isEmpty)
        try loop.run(until: { !received.isEmpty })
        #expect(received == [SIGUSR1])
    }

    @Test(arguments: PollerBackend.allCases)
    func anotherLoopWakingUpDoesNotTakeTheSignal(backend: PollerBackend) throws {
        let listening = try EventLoop(backend: backend)
        let other = try EventLoop(backend: backend)
        var received: [Int32] = []
        try listening.onSignals([SIGUSR1]) { received.append($0) }
        raiseHere(SIGUSR1)
        other.handle.execute {}
        try other.runPass(timeout: .seconds(5))

        try listening.run(until: { !received.isEmpty }, limit: .seconds(5))
        #expect(received == [SIGUSR1])
    }
}

/// Raises `signal` on this thread with it unblocked, so the handler has run
/// when this returns (the test runner's threads block most signals).
private func raiseHere(_ signal: Int32) {
    var only = sigset_t()
    var previous = sigset_t()
    sigemptyset(&only)
    sigaddset(&only, signal)
    pthread_sigmask(SIG_UNBLOCK, &only, &previous)
    raise(signal)
    pthread_sigmask(SIG_SETMASK, &previous, nil)
}
