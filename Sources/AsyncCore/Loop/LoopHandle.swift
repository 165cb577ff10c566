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
    private let jobs = Mutex<[LoopJob]>([])
    private let wakePending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)

    init() throws(SystemError) {
        wakeCounter = try EventCounter.make()
    }

    deinit {
        wakeCounter.close()
    }

    /// The descriptor the loop polls for wake-ups.
    var wakeDescriptor: Int32 { wakeCounter.descriptor }

    /// Runs `body` on the loop's thread during its next pass, in the order
    /// posted. Closures posted after the loop is gone never run.
    public func execute(_ body: sending @escaping () -> Void) {
        let job = LoopJob(run: body)
        jobs.withLock { $0.append(job) }
        wakeUp()
    }

    /// Makes a loop blocked in its poll wait return now.
    public func wakeUp() {
        guard !wakePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeCounter.increment()
    }

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
        return jobs.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}

/// A closure bound for the loop thread. It is only ever run there, which is
/// what makes carrying it across threads sound.
struct LoopJob: @unchecked Sendable {
    let run: () -> Void
}
