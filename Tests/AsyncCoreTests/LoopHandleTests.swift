import AsyncCore
import Dispatch
import Glibc
import TestSupport
import Testing

/// `LoopHandle`, the one part of a loop other threads may touch: `execute`,
/// `wakeUp` and `stop`, each from a real second thread.
@Suite("Loop handle")
struct LoopHandleTests {
    @Test(arguments: PollerBackend.allCases)
    func closuresPostedFromTwoThreadsRunOnTheLoopThreadInPostingOrder(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let handle = loop.handle
        let loopThread = pthread_self()
        let record = SharedState<[(thread: Int, index: Int, onLoopThread: Bool)]>([])
        let posters = (0..<2).map { thread in
            TestThread {
                for index in 0..<500 {
                    handle.execute {
                        let onLoopThread = pthread_equal(pthread_self(), loopThread) != 0
                        record.update { $0.append((thread, index, onLoopThread)) }
                    }
                }
            }
        }

        try loop.run(until: { record.current.count == 1000 })
        posters.forEach { $0.join() }
        let entries = record.current
        #expect(entries.allSatisfy { $0.onLoopThread })
        for thread in 0..<2 {
            #expect(entries.filter { $0.thread == thread }.map(\.index) == Array(0..<500))
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func wakeUpEndsAPassThatWouldWaitLong(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let handle = loop.handle
        let aboutToWait = DispatchSemaphore(value: 0)
        let waker = TestThread {
            aboutToWait.wait()
            handle.wakeUp()
        }
        defer { waker.join() }

        let start = ContinuousClock.now
        aboutToWait.signal()
        try loop.runPass(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(15))
    }

    @Test(arguments: PollerBackend.allCases)
    func stopFromAnotherThreadEndsRunUntilStopped(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let handle = loop.handle
        let ran = SharedState(false)
        let stopper = TestThread {
            handle.execute { ran.update { $0 = true } }
            ran.wait(until: { $0 })
            handle.stop()
        }
        defer { stopper.join() }

        try loop.runUntilStopped()
        #expect(ran.current)
    }

    @Test(arguments: PollerBackend.allCases)
    func aClosurePostedFromTheLoopThreadRunsOnTheNextPass(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let ran = SharedState(0)
        loop.handle.execute { ran.update { $0 += 1 } }
        #expect(ran.current == 0)
        try loop.runPass(timeout: .seconds(5))
        #expect(ran.current == 1)
    }

    @Test(arguments: PollerBackend.allCases)
    func closuresPostedAfterTheLoopIsGoneNeverRun(backend: PollerBackend) throws {
        let handle = try EventLoop(backend: backend).handle
        let ran = SharedState(0)
        handle.execute { ran.update { $0 += 1 } }
        handle.wakeUp()
        handle.stop()
        #expect(ran.current == 0)
    }
}
