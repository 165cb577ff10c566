import AsyncCore
import Dispatch
import Glibc
import TestSupport
import Testing

/// `LoopHandle.submit` and `submitAndWait`: work sent to a loop from another
/// thread or task, its result or its error handed back.
@Suite("Loop handle submit")
struct LoopHandleSubmitTests {
    private struct Refusal: Error, Equatable {
        let reason: String
    }

    @Test func submitRunsOnTheLoopThreadAndReturnsTheResult() async throws {
        let (thread, _) = try await EventLoopThread.start(name: "submit-test") { _ in 0 }
        defer { thread.stop() }
        let (onLoop, name) = try await thread.handle.submit { loop in
            (loop.handle.isOnLoopThread, String(describing: loop.handle))
        }
        #expect(onLoop)
        #expect(name.hasSuffix("(thread 'submit-test')"))
        #expect(!thread.handle.isOnLoopThread)
    }

    @Test func submitAndWaitRunsOnTheLoopThreadAndReturnsTheResult() throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let onLoop = try thread.handle.submitAndWait { loop in loop.handle.isOnLoopThread }
        #expect(onLoop)
    }

    @Test func anErrorThrownByTheClosureReachesTheAsyncCallerAsThrown() async throws {
        let (thread, _) = try await EventLoopThread.start { _ in 0 }
        defer { thread.stop() }
        await #expect(throws: Refusal(reason: "no")) {
            try await thread.handle.submit { _ -> Int in throw Refusal(reason: "no") }
        }
    }

    @Test func anErrorThrownByTheClosureReachesTheBlockedCallerAsThrown() throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        #expect(throws: Refusal(reason: "no")) {
            try thread.handle.submitAndWait { _ -> Int in throw Refusal(reason: "no") }
        }
    }

    @Test func aNonSendableResultBuiltOnTheLoopCanBeHandedBack() async throws {
        final class Tally { var lines: [String] = [] }
        let (thread, _) = try await EventLoopThread.start { _ in 0 }
        defer { thread.stop() }
        let tally = try await thread.handle.submit { _ in
            let fresh = Tally()
            fresh.lines.append("made on the loop")
            return fresh
        }
        tally.lines.append("used by the task")
        #expect(tally.lines == ["made on the loop", "used by the task"])
    }

    @Test func submitsAndExecutesRunInPostingOrder() async throws {
        let (thread, order) = try await EventLoopThread.start { loop in LoopBound([Int](), loop: loop) }
        defer { thread.stop() }
        for index in 0..<50 {
            if index.isMultiple(of: 2) {
                thread.handle.execute { order.value.append(index) }
            } else {
                try await thread.handle.submit { _ in order.value.append(index) }
            }
        }
        #expect(try await thread.handle.submit { _ in order.value } == Array(0..<50))
    }

    @Test func submittingToAStoppedLoopThrowsLoopStopped() async throws {
        let thread = try EventLoopThread(name: "stopped-loop") { _ in }
        thread.stop()
        let name = String(describing: thread.handle)
        await #expect(throws: LoopHandleError.loopStopped(name)) {
            try await thread.handle.submit { _ in 1 }
        }
        #expect(throws: LoopHandleError.loopStopped(name)) {
            try thread.handle.submitAndWait { _ in 1 }
        }
        #expect("\(LoopHandleError.loopStopped(name))" == "\(name) has stopped: the submitted closure did not run")
    }

    @Test func aThreadBlockedInSubmitAndWaitWhenTheLoopStopsGetsLoopStopped() throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let handle = thread.handle
        // Hold the loop in a closure while a second thread submits, then stop
        // it: the submitted closure, queued behind the stop (or posted just
        // after it), never runs, and the blocked thread is let go either way.
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        handle.execute {
            holding.signal()
            release.wait()
        }
        holding.wait()
        let posting = DispatchSemaphore(value: 0)
        let outcome = SharedState<String?>(nil)
        let ran = SharedState(false)
        let submitter = TestThread {
            posting.signal()
            do {
                try handle.submitAndWait { _ in ran.update { $0 = true } }
                outcome.update { $0 = "returned" }
            } catch {
                outcome.update { $0 = "\(error)" }
            }
        }
        defer { submitter.join() }
        posting.wait()
        handle.stop()
        release.signal()
        outcome.wait(until: { $0 != nil })
        #expect(outcome.current == "\(LoopHandleError.loopStopped(String(describing: handle)))")
        #expect(!ran.current)
    }

    @Test func submitAndWaitOnTheLoopThreadThrowsInsteadOfWaitingForItself() throws {
        let loop = try EventLoop()
        #expect(throws: LoopHandleError.waitOnLoopThread(String(describing: loop.handle))) {
            try loop.handle.submitAndWait { _ in 1 }
        }
    }
}
