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
/// other thread takes a lock and wakes the loop. The loop must keep
/// running while tasks prefer it: jobs enqueued after it is gone never run.
public final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable by construction: `remote` is behind its mutex; `runningThread`
    // is atomic; everything else is touched only by the thread that runs
    // the loop, inside a pass (where `runningThread` names that thread).
    private let remote = Mutex<[QueuedJob]>([])
    private let hasRemote = Atomic<Bool>(false)
    private let runningThread = Atomic<UInt>(0)
    private weak var handle: LoopHandle?
    // Hot, and touched by one thread only: @exclusivity(unchecked), for the
    // reason given in EventLoop.
    @exclusivity(unchecked) private var local: [QueuedJob] = []
    @exclusivity(unchecked) private var localHead = 0
    @exclusivity(unchecked) private var finishedJobWork: [any JobFinishing] = []
    /// The loop that runs the pass now going on; nil between passes.
    package private(set) unowned(unsafe) var runningLoop: EventLoop?
    /// True while a job runs.
    @exclusivity(unchecked) package private(set) var isRunningJob = false
    /// True while the running job has lent the loop's scratch memory to a
    /// connection gathering its writes.
    @exclusivity(unchecked) package var isScratchLent = false

    /// Jobs run in one go before the loop looks at its sockets again, so a
    /// task that keeps yielding cannot starve them.
    private static let jobsPerPass = 4096

    /// The loop as the serial executor of actors: see ``asUnownedSerialExecutor()``.
    private var serial: LoopSerialExecutor!

    init() {
        serial = LoopSerialExecutor(loop: self)
    }

    func attach(to handle: LoopHandle) {
        self.handle = handle
    }

    /// True on the thread that runs the loop, while it runs a pass: where
    /// the loop's dispatchers and the tasks that prefer this executor run.
    public var isCurrentThread: Bool {
        runningThread.load(ordering: .relaxed) == UInt(pthread_self())
    }

    // MARK: Executor

    /// A job of a task that prefers this executor.
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueue(QueuedJob(job: UnownedJob(job), isActorJob: false))
    }

    func enqueue(_ job: QueuedJob) {
        if isCurrentThread {
            local.append(job)
            return
        }
        remote.withLock { $0.append(job) }
        hasRemote.store(true, ordering: .releasing)
        handle?.wakeUp()
    }

    /// The loop as a serial executor, for an actor's `unownedExecutor`: the
    /// actor's code then runs on the loop's thread. A task that prefers
    /// this executor hops to reach such an actor and back, as for any
    /// actor (a queued job each way, no system call).
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        serial.asUnownedSerialExecutor()
    }

    // MARK: Running (on the loop's thread)

    /// The loop's thread starts a pass.
    func enter(_ loop: EventLoop) {
        runningLoop = loop
        runningThread.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// The pass ended: from now on, jobs from this thread wake the loop too.
    func leave() {
        runningThread.store(0, ordering: .relaxed)
        runningLoop = nil
    }

    /// True when jobs wait that no wake-up will announce.
    var hasLocalJobs: Bool { localHead < local.count }

    /// Runs the jobs enqueued so far, and those they enqueue, up to a budget.
    func runJobs(settling loop: EventLoop) {
        if hasRemote.load(ordering: .acquiring) {
            hasRemote.store(false, ordering: .relaxed)
            let taken = remote.withLock { queued in
                defer { queued.removeAll(keepingCapacity: true) }
                return queued
            }
            local.append(contentsOf: taken)
        }
        var budget = LoopExecutor.jobsPerPass
        while localHead < local.count, budget > 0 {
            let queued = local[localHead]
            localHead += 1
            budget -= 1
            isRunningJob = true
            // A task's job runs as nonisolated code on this task executor:
            // run as isolated to the serial executor instead, every call to
            // a nonisolated async function would hop off and back.
            if queued.isActorJob {
                queued.job.runSynchronously(on: serial.asUnownedSerialExecutor())
            } else {
                queued.job.runSynchronously(on: asUnownedTaskExecutor())
            }
            isRunningJob = false
            finishJob()
            isScratchLent = false
            loop.settle()
        }
        if localHead == local.count {
            local.removeAll(keepingCapacity: true)
            localHead = 0
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
}

/// A job and how it runs: isolated to an actor, or as a task's nonisolated code.
struct QueuedJob {
    let job: UnownedJob
    let isActorJob: Bool
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
        loop.isCurrentThread
    }

    func checkIsolated() {
        precondition(loop.isCurrentThread, "not on the thread of the event loop this executor belongs to")
    }
}

/// Work that waits for the running job to end: a connection's writes of one
/// job leave in one send.
package protocol JobFinishing: AnyObject {
    func jobDidFinish()
}

extension EventLoop {
    /// This loop as a task and serial executor; the same as `handle.executor`.
    public var executor: LoopExecutor { handle.executor }
}
