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
public final class LoopExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // Sendable by construction: `remote` is behind its mutex; `runningThread`
    // is atomic; everything else is touched only by the thread that runs
    // the loop, inside a pass (where `runningThread` names that thread).
    private let remote = Mutex<[UnownedJob]>([])
    private let hasRemote = Atomic<Bool>(false)
    private let runningThread = Atomic<UInt>(0)
    private weak var handle: LoopHandle?
    private var local: [UnownedJob] = []
    private var localHead = 0
    private var finishedJobWork: [any JobFinishing] = []
    /// The loop that runs the pass now going on; nil between passes.
    package private(set) unowned(unsafe) var runningLoop: EventLoop?
    /// True while a job runs.
    package private(set) var isRunningJob = false
    /// True while the running job has lent the loop's scratch memory to a
    /// connection gathering its writes.
    package var isScratchLent = false

    /// Jobs run in one go before the loop looks at its sockets again, so a
    /// task that keeps yielding cannot starve them.
    private static let jobsPerPass = 4096

    init() {}

    func attach(to handle: LoopHandle) {
        self.handle = handle
    }

    /// True on the thread that runs the loop, while it runs a pass: where
    /// the loop's dispatchers and the tasks that prefer this executor run.
    public var isCurrentThread: Bool {
        runningThread.load(ordering: .relaxed) == UInt(pthread_self())
    }

    // MARK: Executor

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        if isCurrentThread {
            local.append(unowned)
            return
        }
        remote.withLock { $0.append(unowned) }
        hasRemote.store(true, ordering: .releasing)
        handle?.wakeUp()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(complexEquality: self)
    }

    public func isSameExclusiveExecutionContext(other: LoopExecutor) -> Bool {
        self === other
    }

    public func isIsolatingCurrentContext() -> Bool? {
        isCurrentThread
    }

    public func checkIsolated() {
        precondition(isCurrentThread, "not on the thread of the event loop this executor belongs to")
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
            let job = local[localHead]
            localHead += 1
            budget -= 1
            isRunningJob = true
            job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
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

/// Work that waits for the running job to end: a connection's writes of one
/// job leave in one send.
package protocol JobFinishing: AnyObject {
    func jobDidFinish()
}

extension EventLoop {
    /// This loop as a task and serial executor; the same as `handle.executor`.
    public var executor: LoopExecutor { handle.executor }
}
