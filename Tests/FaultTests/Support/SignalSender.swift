import Glibc
import Synchronization

/// A thread that sends a signal to a process as fast as it can until
/// stopped: the "busy" side of a signal storm. A POSIX thread of its own,
/// not one of the test runner's few cooperative threads.
final class SignalSender: Sendable {
    private let thread: pthread_t
    private let state: State

    private final class State: Sendable {
        let pid: pid_t
        let signal: Int32
        let stopRequested = Atomic<Bool>(false)
        let sent = Atomic<Int>(0)
        init(pid: pid_t, signal: Int32) {
            self.pid = pid
            self.signal = signal
        }
        func run() {
            while !stopRequested.load(ordering: .relaxed) {
                guard kill(pid, signal) == 0 else { return }
                sent.add(1, ordering: .relaxed)
            }
        }
    }

    init(signal: Int32, to pid: pid_t) {
        state = State(pid: pid, signal: signal)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<State>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, Unmanaged.passRetained(state).toOpaque())
        precondition(status == 0, "pthread_create failed: \(status)")
        self.thread = thread
    }

    /// Stops sending, waits for the thread; returns how many signals were sent.
    func stop() -> Int {
        state.stopRequested.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        return state.sent.load(ordering: .relaxed)
    }
}
