import Dispatch
import Glibc
import Synchronization

/// An ``EventLoop`` as a Swift concurrency executor: tasks that prefer it,
/// and actors that use it, run on the loop's own thread, between its
/// passes' I/O, so async code and the loop's sockets share one thread.
///
/// As a task executor, it runs the nonisolated async code of a task (and of
/// its child tasks) on the loop:
/// ```swift
/// let server = try EventLoopThread { _ in }
/// await withTaskExecutorPreference(server.handle.executor) {
///     // Here, and in every child task made here, code runs on the loop's thread.
/// }
/// ```
/// As a serial executor, it gives an actor the loop's thread for its
/// isolation, so the actor and the loop's dispatchers can touch the same
/// state without hops:
/// ```swift
/// actor Room {
///     let executor: LoopExecutor
///     init(executor: LoopExecutor) { self.executor = executor }
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
/// A job enqueued on the loop's thread while the loop runs (a task resumed
/// by an I/O event, say) joins a local queue, with no lock and no system
/// call; the loop runs it before it waits again. A job enqueued from any
/// other thread takes a lock and wakes the loop.
///
/// The loop must keep running while tasks wait for it. When it goes away
/// (its ``EventLoopThread`` stops, or the ``EventLoop`` is released), no
/// task is left behind: the jobs it has not run, and every job enqueued
/// later, run one at a time on a thread of their own, where the tasks find
/// their connections closed (`ConnectionError.closedByLoop` in AsyncChat)
/// and end.
public final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable by construction: `remote` is behind its mutex; the thread
    // identities are atomic; everything else is touched only by the thread
    // that runs the loop, inside a pass (where `runningThread` names that
    // thread), or set once before the loop runs.
    private let remote = SanitizerVisibleMutex(RemoteJobs())
    private let hasRemote = Atomic<Bool>(false)
    @usableFromInline let runningThread = Atomic<UInt>(0)
    /// The thread running a job after the loop ended, while it runs one.
    private let afterEndThread = Atomic<UInt>(0)
    private weak var handle: LoopHandle?
    // Hot, and touched by one thread only: @exclusivity(unchecked), for the
    // reason given in EventLoop.
    @exclusivity(unchecked) private var local: [QueuedJob] = []
    @exclusivity(unchecked) private var localHead = 0
    @exclusivity(unchecked) private var finishedJobWork: [any JobFinishing] = []
    /// True once a job was queued here: until then a pass, as on a loop that
    /// only runs callbacks, has no jobs to look for.
    @exclusivity(unchecked) private var hasQueuedJobs = false
    /// The loop this executor belongs to, for work that runs during its
    /// passes (where it is alive); set once, when the loop is made.
    @usableFromInline @exclusivity(unchecked) package private(set) unowned(unsafe) var eventLoop: EventLoop?
    // Read from other modules through the inlinable members below: a direct
    // access from another module would bring back the exclusivity check.
    @usableFromInline @exclusivity(unchecked) var runningJob = false
    /// The job running now, by address: a task's jobs are the task itself.
    @usableFromInline @exclusivity(unchecked) var runningJobAddress: UInt = 0
    /// True while the running job has lent the loop's scratch memory to a
    /// connection gathering its writes.
    @usableFromInline @exclusivity(unchecked) var scratchLent = false

    /// Jobs run in one go before the loop looks at its sockets again, so a
    /// task that keeps yielding cannot starve them.
    private static let jobsPerPass = 4096

    /// The loop as the serial executor of actors: see ``asUnownedSerialExecutor()``.
    @exclusivity(unchecked) private var serial: LoopSerialExecutor!

    init() {
        serial = LoopSerialExecutor(loop: self)
    }

    func attach(to handle: LoopHandle) {
        self.handle = handle
    }

    /// The loop is made, on the thread that will run it: the thread its
    /// dispatchers belong to (`LoopHandle.isOnLoopThread`).
    func attach(to loop: EventLoop) {
        eventLoop = loop
        runningThread.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// True on the loop's thread (the one that made it and runs it), until
    /// the loop goes away: where the loop's dispatchers and the tasks that
    /// prefer this executor run.
    ///
    /// ```swift
    /// await withTaskExecutorPreference(thread.handle.executor) {
    ///     assert(thread.handle.executor.isCurrentThread)
    /// }
    /// ```
    @inlinable
    public var isCurrentThread: Bool {
        runningThread.load(ordering: .relaxed) == UInt(pthread_self())
    }

    // MARK: Executor

    /// A job of a task that prefers this executor; the runtime calls it.
    /// Queued with no lock and no wake-up when it comes from the loop's own
    /// thread, under a lock and with a wake-up from any other.
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueue(QueuedJob(job: UnownedJob(job), isActorJob: false))
    }

    func enqueue(_ job: QueuedJob) {
        if isCurrentThread {
            hasQueuedJobs = true
            local.append(job)
            return
        }
        let afterEnd = remote.withLock { remote -> DispatchQueue? in
            if let afterEnd = remote.afterEnd { return afterEnd }
            remote.jobs.append(job)
            return nil
        }
        if let afterEnd {
            runAfterEnd(job, on: afterEnd)
        } else {
            hasRemote.store(true, ordering: .releasing)
            handle?.wakeUp()
        }
    }

    /// The loop as a serial executor, for an actor's `unownedExecutor`: the
    /// actor's code then runs on the loop's thread. A task that prefers
    /// this executor hops to reach such an actor and back, as for any
    /// actor (a queued job each way, no system call).
    ///
    /// ```swift
    /// nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// ```
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        serial.asUnownedSerialExecutor()
    }

    // MARK: Running (on the loop's thread)

    /// True while a job runs.
    @inlinable
    package var isRunningJob: Bool { runningJob }

    /// The task whose job runs now on this loop, as an identity valid while
    /// that task lives: a task is its own job. Zero when no job runs.
    @inlinable
    package var runningTaskIdentity: UInt { runningJobAddress }

    /// The loop's scratch memory, lent to the caller until the running job
    /// ends; nil when no job runs or another caller has it.
    @inlinable
    package func borrowScratch() -> UnsafeMutableRawBufferPointer? {
        guard runningJob, !scratchLent, let loop = eventLoop else { return nil }
        scratchLent = true
        return loop.scratch
    }

    /// True when jobs wait that no wake-up will announce.
    @inline(__always)
    var hasLocalJobs: Bool { hasQueuedJobs && localHead < local.count }

    /// True when jobs wait, from this thread or another.
    @inline(__always)
    var hasJobs: Bool { hasQueuedJobs && (hasRemote.load(ordering: .relaxed) || localHead < local.count) }

    /// The loop woke up and cleared its wake-ups: notes jobs enqueued from
    /// other threads. Asked under the lock they were queued with, so one
    /// whose wake-up was coalesced into this one is not missed.
    func noteRemoteJobsAfterWake() {
        guard remote.withLock({ !$0.jobs.isEmpty }) else { return }
        hasQueuedJobs = true
        hasRemote.store(true, ordering: .relaxed)
    }

    /// Runs the jobs enqueued so far, and those they enqueue, up to a budget.
    func runJobs(settling loop: EventLoop) {
        if hasRemote.load(ordering: .acquiring) {
            hasRemote.store(false, ordering: .relaxed)
            let taken = remote.withLock { remote in
                defer { remote.jobs.removeAll(keepingCapacity: true) }
                return remote.jobs
            }
            local.append(contentsOf: taken)
        }
        var budget = LoopExecutor.jobsPerPass
        while localHead < local.count, budget > 0 {
            let queued = local[localHead]
            localHead += 1
            budget -= 1
            runningJob = true
            runningJobAddress = unsafeBitCast(queued.job, to: UInt.self)
            run(queued)
            runningJobAddress = 0
            runningJob = false
            finishJob()
            scratchLent = false
            loop.settle()
        }
        if localHead == local.count {
            local.removeAll(keepingCapacity: true)
            localHead = 0
        }
    }

    private func run(_ queued: QueuedJob) {
        // A task's job runs as nonisolated code on this task executor: run as
        // isolated to the serial executor instead, every call to a
        // nonisolated async function would hop off and back.
        if queued.isActorJob {
            queued.job.runSynchronously(on: serial.asUnownedSerialExecutor())
        } else {
            queued.job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Asks for `work` to run once the running job ends (before the next
    /// job, and before the loop waits).
    package func whenJobFinishes(_ work: any JobFinishing) {
        finishedJobWork.append(work)
    }

    private func finishJob() {
        while let work = finishedJobWork.popLast() {
            work.jobDidFinish()
        }
    }

    // MARK: After the loop

    /// The loop is going away: the jobs it has not run, and every job
    /// enqueued from now on, run on a serial queue of their own.
    func loopDidEnd() {
        let afterEnd = DispatchQueue(label: "AsyncCore.LoopExecutor.afterLoopEnd")
        let taken = remote.withLock { remote in
            remote.afterEnd = afterEnd
            defer { remote.jobs.removeAll() }
            return remote.jobs
        }
        hasRemote.store(false, ordering: .relaxed)
        runningThread.store(0, ordering: .relaxed)
        let left = local[localHead...] + taken
        local.removeAll()
        localHead = 0
        for job in left { runAfterEnd(job, on: afterEnd) }
    }

    private func runAfterEnd(_ job: QueuedJob, on queue: DispatchQueue) {
        queue.async { [self] in
            afterEndThread.store(UInt(pthread_self()), ordering: .relaxed)
            run(job)
            afterEndThread.store(0, ordering: .relaxed)
        }
    }

    /// True where an actor on this executor may run: on the loop's thread
    /// during a pass, or, once the loop has ended, in the job running now.
    var isIsolatingCurrentThread: Bool {
        let thread = UInt(pthread_self())
        return runningThread.load(ordering: .relaxed) == thread || afterEndThread.load(ordering: .relaxed) == thread
    }
}

/// A job and how it runs: isolated to an actor, or as a task's nonisolated code.
struct QueuedJob: Sendable {
    let job: UnownedJob
    let isActorJob: Bool
}

/// The jobs enqueued from other threads, and once the loop has ended, the
/// queue where jobs run instead.
private struct RemoteJobs {
    var jobs: [QueuedJob] = []
    var afterEnd: DispatchQueue?
}

/// The serial executor of actors that live on a loop's thread; its jobs
/// join the loop's queue.
final class LoopSerialExecutor: SerialExecutor {
    unowned let loop: LoopExecutor

    init(loop: LoopExecutor) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(QueuedJob(job: UnownedJob(job), isActorJob: true))
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func isIsolatingCurrentContext() -> Bool? {
        loop.isIsolatingCurrentThread
    }

    func checkIsolated() {
        precondition(loop.isIsolatingCurrentThread, "not on the thread of the event loop this executor belongs to")
    }
}

/// Work that waits for the running job to end: a connection's writes of one
/// job leave in one send.
package protocol JobFinishing: AnyObject {
    func jobDidFinish()
}

extension EventLoop {
    /// This loop as a task and serial executor; the same as `handle.executor`.
    ///
    /// ```swift
    /// Task(executorPreference: loop.executor) { /* runs on the loop's thread */ }
    /// try loop.runUntilStopped()
    /// ```
    public var executor: LoopExecutor { handle.executor }
}
