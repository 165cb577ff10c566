import Synchronization

/// The one part of an ``EventLoop`` that other threads may touch: run a
/// closure on the loop, get a result back from it, wake it, stop it.
///
/// ```swift
/// let server = try LoopBound(ChatServer(address: .ipv4(port: 0), loop: loop), loop: loop)
/// let handle = loop.handle                 // Sendable: hand it to any thread or task
/// Task {
///     let members = try await handle.submit { _ in server.value.room.members }
///     print("\(members.count) members")
///     handle.stop()                        // runUntilStopped() returns after its current pass
/// }
/// try loop.runUntilStopped()
/// ```
/// The wake-up is an `eventfd` the loop polls; waking an idle loop costs one
/// `write`, and wakes that arrive before the loop drains them are coalesced.
public final class LoopHandle: Sendable, CustomStringConvertible {
    let wakeCounter: EventCounter
    /// The loop as a task and serial executor, for any thread or task: see
    /// ``LoopExecutor``.
    ///
    /// ```swift
    /// await withTaskExecutorPreference(handle.executor) { /* on the loop's thread */ }
    /// ```
    public let executor = LoopExecutor()
    private let jobs = SanitizerVisibleMutex<PostedJobs>(PostedJobs())
    private let wakePending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    /// The thread that made the loop, the one its dispatchers belong to.
    private let ownerThread = ThreadIdentity.current
    private let ownerThreadName = ThreadIdentity.currentName
    private let number = LoopHandle.lastNumber.add(1, ordering: .relaxed).newValue
    private static let lastNumber = Atomic<UInt64>(0)
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

    /// Names the loop in logs and failure messages: `event loop 3 (thread 'loop-0')`.
    public var description: String { "event loop \(number) (thread '\(ownerThreadName)')" }

    /// True when the calling thread is the loop's: the thread that made it,
    /// where its dispatchers, timers and ``LoopBound`` values live.
    public var isOnLoopThread: Bool { ThreadIdentity.current == ownerThread }

    /// Runs `body` on the loop's thread during its next pass, in the order
    /// posted. Closures posted after the loop is gone never run.
    public func execute(_ body: sending @escaping () -> Void) {
        post(.plain(body))
    }

    /// Runs `body` on the loop's thread with the loop during its next pass,
    /// in the order posted, or with nil once the loop is gone (at once, or
    /// when it goes away): work that a waiting task must hear of either way.
    package func executeOrAbandon(_ body: sending @escaping (EventLoop?) -> Void) {
        post(.runOrAbandon(body))
    }

    /// Queues `job` and wakes the loop; a job posted after the loop is gone
    /// is abandoned at once.
    func post(_ job: LoopJob) {
        let accepted = jobs.withLock { posted in
            guard !posted.isRetired else { return false }
            posted.queue.append(job)
            return true
        }
        guard accepted else { return job.abandon() }
        wakeUp()
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
        return jobs.withLock { posted in
            defer { posted.queue.removeAll() }
            return posted.queue
        }
    }

    /// Marks the loop as gone for good: jobs still queued and jobs posted
    /// later are abandoned (a waiting ``submit(_:)`` throws
    /// ``LoopHandleError/loopStopped(_:)``). Called on the loop's thread
    /// once it will run no more passes.
    func retire() {
        let abandoned = jobs.withLock { posted in
            posted.isRetired = true
            defer { posted.queue.removeAll() }
            return posted.queue
        }
        for job in abandoned { job.abandon() }
    }
}

/// The jobs waiting for the loop, and whether it will ever take them.
struct PostedJobs {
    var queue: [LoopJob] = []
    var isRetired = false
}
