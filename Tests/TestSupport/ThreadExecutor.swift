import Dispatch
import Glibc
import Synchronization

/// A task executor with a thread of its own. Some tests block for seconds
/// at a time (100 MB transfers, 10,000 connects); on Swift Testing's
/// cooperative pool, two threads on a 2-core machine, that would starve the
/// asynchronous tests of other suites running alongside. A test that prefers
/// this executor keeps its task (and with it the test's identity, so its
/// expectations are attributed to it) but runs on this thread.
final class ThreadExecutor: TaskExecutor {
    private let queue = Mutex<(jobs: [UnownedJob], stopped: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)

    init() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            Unmanaged<ThreadExecutor>.fromOpaque(raw!).takeRetainedValue().runJobs()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        ready.signal()
    }

    /// Lets the thread end once the jobs enqueued so far have run.
    func stop() {
        queue.withLock { $0.stopped = true }
        ready.signal()
    }

    private func runJobs() {
        while true {
            ready.wait()
            let (jobs, stopped) = queue.withLock { state in
                defer { state.jobs.removeAll() }
                return (state.jobs, state.stopped)
            }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if stopped, jobs.isEmpty { return }
        }
    }
}

/// Runs `body` in the calling test's task, on a thread of its own: for a
/// test that blocks for a while, so it leaves Swift Testing's cooperative
/// pool (two threads here) to the asynchronous tests running alongside.
///
///     @Test func aThousandClients() async throws {
///         try await onOwnThread { try serveAThousandClients() }
///     }
public func onOwnThread(_ body: () throws -> Void) async throws {
    let executor = ThreadExecutor()
    defer { executor.stop() }
    try await withTaskExecutorPreference(executor) { try body() }
}
