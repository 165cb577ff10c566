import Synchronization

/// The one part of an ``EventLoop`` that other threads may touch: run a
/// closure on the loop, wake it, stop it.
///
/// ```swift
/// let handle = loop.handle                 // Sendable: hand it to any thread
/// Thread.detachNewThread {
///     handle.execute { server.broadcast("maintenance in 5 minutes") }
///     handle.stop()                        // run() returns after its current pass
/// }
/// try loop.runUntilStopped()
/// ```
/// The wake-up is an `eventfd` the loop polls; waking an idle loop costs one
/// `write`, and wakes that arrive before the loop drains them are coalesced.
public final class LoopHandle: Sendable {
    let wakeCounter: EventCounter
    /// The loop as a task and serial executor, for any thread or task: see
    /// ``LoopExecutor``.
    ///
    /// ```swift
    /// await withTaskExecutorPreference(handle.executor) { /* on the loop's thread */ }
    /// ```
    public let executor = LoopExecutor()
    private let posted = Mutex(PostedJobs())
    private let wakePending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    private let wakeUpWrites = Atomic<Int>(0)

    init() throws(SystemError) {
        wakeCounter = try EventCounter.make()
        executor.attach(to: self)
    }

    deinit {
        wakeCounter.close()
    }

    /// The descriptor the loop polls for wake-ups.
    var wakeDescriptor: Int32 { wakeCounter.descriptor }

    /// Runs `body` on the loop's thread during its next pass, in the order
    /// posted. Closures posted after the loop is gone never run.
    public func execute(_ body: sending @escaping () -> Void) {
        post(LoopJob(run: body, refuse: nil))
    }

    /// Runs `body` on the loop's thread as ``execute(_:)`` does; once the
    /// loop is gone, runs `refuse` instead, at once or when the loop goes
    /// away: a task waiting on `body` is never left waiting.
    package func execute(_ body: sending @escaping () -> Void, orIfLoopEnded refuse: @escaping @Sendable () -> Void) {
        post(LoopJob(run: body, refuse: refuse))
    }

    private func post(_ job: LoopJob) {
        let accepted = posted.withLock { posted in
            guard !posted.loopEnded else { return false }
            posted.jobs.append(job)
            return true
        }
        if accepted { wakeUp() } else { job.refuse?() }
    }

    /// Makes a loop blocked in its poll wait return now.
    public func wakeUp() {
        guard !wakePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUpWrites.add(1, ordering: .relaxed)
        wakeCounter.increment()
    }

    /// How many wake-ups were written to the loop's eventfd so far (coalesced
    /// ones are not): what a test counts to see that work queued on the
    /// loop's own thread costs no system call.
    package var wakeUpsWritten: Int { wakeUpWrites.load(ordering: .relaxed) }

    /// Asks the loop to return from `run` after its current pass.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeUp()
    }

    /// True once ``stop()`` was called and the loop has not yet consumed it.
    public var isStopRequested: Bool {
        stopRequested.load(ordering: .acquiring)
    }

    /// True once for each ``stop()``: the loop asks after every pass, so the
    /// common answer comes from a plain load, not a read-modify-write.
    @inline(__always)
    func consumeStop() -> Bool {
        guard stopRequested.load(ordering: .relaxed) else { return false }
        return stopRequested.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Clears the eventfd and takes the posted jobs; called on the loop thread.
    func drain() -> [LoopJob] {
        wakeCounter.reset()
        wakePending.store(false, ordering: .releasing)
        return posted.withLock { posted in
            defer { posted.jobs.removeAll() }
            return posted.jobs
        }
    }

    /// The loop is going away: the jobs it will never run are refused, and
    /// so is every job posted from now on.
    func loopDidEnd() {
        let left = posted.withLock { posted in
            posted.loopEnded = true
            defer { posted.jobs.removeAll() }
            return posted.jobs
        }
        for job in left { job.refuse?() }
    }
}

/// The closures posted to a loop, until it ends.
private struct PostedJobs {
    var jobs: [LoopJob] = []
    var loopEnded = false
}

/// A closure bound for the loop thread. It is only ever run there, which is
/// what makes carrying it across threads sound.
struct LoopJob: @unchecked Sendable {
    let run: () -> Void
    /// Runs instead of `run` when the loop ends first.
    let refuse: (@Sendable () -> Void)?
}
