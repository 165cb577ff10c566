import AsyncCore
import TestSupport
import Testing

/// The loop as a task executor and as an actor's serial executor: where
/// jobs run, what a job costs in wake-ups, and mutual exclusion.
@Suite struct LoopExecutorTests {
    /// An actor whose isolation is a loop's thread.
    actor Tally {
        let executor: LoopExecutor
        private(set) var count = 0

        init(executor: LoopExecutor) {
            self.executor = executor
        }

        nonisolated var unownedExecutor: UnownedSerialExecutor {
            executor.asUnownedSerialExecutor()
        }

        /// Counts one; true when it ran on the loop's thread.
        func increment() -> Bool {
            count += 1
            return executor.isCurrentThread
        }

        func add(_ amount: Int) {
            count += amount
        }
    }

    @Test func jobsEnqueuedOnTheLoopsOwnThreadWriteNoWakeUp() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let executor = loop.executor
            let yields = Record(0)
            let onLoop = Record(true)
            // Made here, on the loop's thread: its first job, too, is queued
            // with no wake-up.
            Task(executorPreference: executor) {
                for _ in 0..<1000 {
                    await Task.yield()
                    let here = executor.isCurrentThread
                    yields.update { $0 += 1 }
                    onLoop.update { $0 = $0 && here }
                }
            }
            try loop.run(until: { yields.current == 1000 })
            #expect(onLoop.current, "a job of the task ran off the loop's thread")
            #expect(loop.handle.wakeUpsWritten == 0, "a job queued from the loop's own thread should cost no wake-up")
        }
    }

    @Test func jobsEnqueuedFromAnotherThreadWakeTheLoop() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let executor = thread.handle.executor
        let before = thread.handle.wakeUpsWritten
        let onLoop = try await withTimeLimit(.seconds(20)) {
            var onLoop = true
            for _ in 0..<3 {
                // This task hops from the global executor to the loop: its job
                // is queued from another thread, and the loop must wake for it.
                onLoop = await withTaskExecutorPreference(executor) { executor.isCurrentThread } && onLoop
            }
            return onLoop
        }
        #expect(onLoop)
        #expect(thread.handle.wakeUpsWritten - before >= 3)
    }

    @Test func anActorOnTheLoopRunsThereOneCallerAtATime() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let tally = Tally(executor: thread.handle.executor)
        let allOnLoop = try await withTimeLimit(.seconds(20)) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var onLoop = true
                        for _ in 0..<50 { onLoop = await tally.increment() && onLoop }
                        return onLoop
                    }
                }
                return await group.reduce(true) { $0 && $1 }
            }
        }
        #expect(allOnLoop)
        #expect(await tally.count == 200)
    }

    @Test func theLoopsOwnCodeMayAssumeTheIsolationOfAnActorOnIt() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let tally = Tally(executor: thread.handle.executor)
        let added = try await withTimeLimit(.seconds(20)) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                thread.handle.execute {
                    // A closure the loop runs between its I/O: no hop, no await.
                    tally.assumeIsolated { $0.add(5) }
                    continuation.resume()
                }
            }
            return await tally.count
        }
        #expect(added == 5)
    }

    @Test func aTaskThatPrefersTheLoopCallsAnActorOnItAndComesBack() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let executor = thread.handle.executor
        let tally = Tally(executor: executor)
        let outcome = try await withTimeLimit(.seconds(20)) {
            await withTaskExecutorPreference(executor) {
                let before = executor.isCurrentThread
                let inside = await tally.increment()
                return [before, inside, executor.isCurrentThread]
            }
        }
        #expect(outcome == [true, true, true])
    }
}
