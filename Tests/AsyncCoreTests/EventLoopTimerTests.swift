import AsyncCore
import Glibc
import TestSupport
import Testing

/// Timers: order, cancellation, rescheduling, virtual time with a
/// `ManualClock` (no test here waits for virtual time in real time).
@Suite("Timers")
struct EventLoopTimerTests {
    @Test(arguments: PollerBackend.allCases)
    func timersFireInDeadlineOrder(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired: [Int] = []
        for seconds in [3, 1, 2] {
            loop.schedule(after: .seconds(seconds)) { fired.append(seconds) }
        }
        clock.advance(by: .seconds(3))
        try loop.runPass(timeout: .zero)
        #expect(fired == [1, 2, 3])
        #expect(loop.pendingTimerCount == 0)
    }

    @Test(arguments: PollerBackend.allCases)
    func timersWithTheSameDeadlineFireInSchedulingOrder(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired: [Int] = []
        let deadline = clock.now.advanced(by: .milliseconds(5))
        for index in 0..<20 {
            loop.schedule(at: deadline) { fired.append(index) }
        }
        clock.advance(by: .milliseconds(5))
        try loop.runPass(timeout: .zero)
        #expect(fired == Array(0..<20))
    }

    @Test(arguments: PollerBackend.allCases)
    func aTimerFiresOnlyOnceItsDeadlineIsReached(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired = 0
        let timer = loop.schedule(after: .seconds(300)) { fired += 1 }
        clock.advance(by: .seconds(300) - .nanoseconds(1))
        try loop.runPass(timeout: .zero)
        #expect(fired == 0)
        #expect(timer.isScheduled)

        clock.advance(by: .nanoseconds(1))
        try loop.runPass(timeout: .zero)
        try loop.runPass(timeout: .zero)
        #expect(fired == 1)
        #expect(!timer.isScheduled)
    }

    @Test(arguments: PollerBackend.allCases)
    func aCancelledTimerNeverFires(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired: [String] = []
        let cancelled = loop.schedule(after: .seconds(1)) { fired.append("cancelled") }
        loop.schedule(after: .seconds(2)) { fired.append("kept") }
        cancelled.cancel()
        #expect(!cancelled.isScheduled)
        #expect(loop.pendingTimerCount == 1)

        clock.advance(by: .seconds(5))
        try loop.runPass(timeout: .zero)
        cancelled.cancel()
        #expect(fired == ["kept"])
        #expect(loop.pendingTimerCount == 0)
    }

    @Test(arguments: PollerBackend.allCases)
    func aTimerCancelledByAnotherDueInTheSamePassDoesNotFire(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired: [String] = []
        var second: LoopTimer?
        loop.schedule(after: .seconds(1)) {
            fired.append("first")
            second?.cancel()
        }
        second = loop.schedule(after: .seconds(1)) { fired.append("second") }
        clock.advance(by: .seconds(1))
        try loop.runPass(timeout: .zero)
        #expect(fired == ["first"])
    }

    @Test(arguments: PollerBackend.allCases)
    func rescheduleMovesAPendingTimerLaterOrEarlier(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired: [String] = []
        let later = loop.schedule(after: .seconds(1)) { fired.append("later") }
        let earlier = loop.schedule(after: .seconds(10)) { fired.append("earlier") }
        loop.reschedule(later, at: clock.now.advanced(by: .seconds(20)))
        loop.reschedule(earlier, at: clock.now.advanced(by: .seconds(2)))
        #expect(later.deadline == clock.now.advanced(by: .seconds(20)))
        #expect(loop.pendingTimerCount == 2)

        clock.advance(by: .seconds(5))
        try loop.runPass(timeout: .zero)
        #expect(fired == ["earlier"])
        clock.advance(by: .seconds(15))
        try loop.runPass(timeout: .zero)
        #expect(fired == ["earlier", "later"])
    }

    @Test(arguments: PollerBackend.allCases)
    func rescheduleIgnoresFiredAndCancelledTimers(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired = 0
        let done = loop.schedule(after: .seconds(1)) { fired += 1 }
        let cancelled = loop.schedule(after: .seconds(1)) { fired += 10 }
        cancelled.cancel()
        clock.advance(by: .seconds(1))
        try loop.runPass(timeout: .zero)

        loop.reschedule(done, at: clock.now.advanced(by: .seconds(1)))
        loop.reschedule(cancelled, at: clock.now.advanced(by: .seconds(1)))
        #expect(loop.pendingTimerCount == 0)
        clock.advance(by: .seconds(1))
        try loop.runPass(timeout: .zero)
        #expect(fired == 1)
    }

    @Test(arguments: PollerBackend.allCases)
    func aVirtualTimerNeitherShortensNorLengthensARealWait(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var fired = false
        loop.schedule(after: .seconds(3600)) { fired = true }
        // Not due on the virtual clock: the pass waits for I/O up to its own timeout, no longer.
        let start = ContinuousClock.now
        try loop.runPass(timeout: .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(90))
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(!fired)

        // Due on the virtual clock: the pass fires it without waiting its timeout.
        clock.advance(by: .seconds(3600))
        let dueStart = ContinuousClock.now
        try loop.run(timeout: .seconds(120), count: 1)
        #expect(fired)
        #expect(ContinuousClock.now - dueStart < .seconds(60))
    }

    @Test(arguments: PollerBackend.allCases)
    func timersOnTheRealClockFireAfterTheirDelayAndKeepRunGoing(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        var firedAfter: Duration?
        let start = ContinuousClock.now
        loop.schedule(after: .milliseconds(30)) { firedAfter = ContinuousClock.now - start }
        // No dispatcher: the pending timer alone keeps run going until it fires.
        try loop.run(timeout: .seconds(1), count: 100)
        let elapsed = try #require(firedAfter)
        #expect(elapsed >= .milliseconds(30))
        #expect(loop.pendingTimerCount == 0)
    }

    @Test(arguments: PollerBackend.allCases)
    func aTimerFiresWhileADispatcherWaitsForInput(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        let idle = try HookRecorder(socket: mine, loop: loop)
        idle.isWritable = false
        var fired = false
        loop.schedule(after: .milliseconds(20)) { fired = true }
        try loop.run(until: { fired })
        #expect(idle.hooks.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func aZeroDelayTimerScheduledByATimerWaitsForTheNextPass(backend: PollerBackend) throws {
        let clock = ManualClock()
        let loop = try EventLoop(backend: backend, clock: clock)
        var ticks = 0
        // Weak: the timer still pending at the end must not keep the loop alive.
        weak let weakLoop = loop
        func tick() {
            ticks += 1
            if ticks < 1000 { weakLoop?.schedule(after: .zero) { tick() } }
        }
        loop.schedule(after: .zero) { tick() }
        try loop.runPass(timeout: .zero)
        #expect(ticks == 1)
        try loop.runPass(timeout: .zero)
        #expect(ticks == 2)
    }

    @Test(arguments: PollerBackend.allCases)
    func anEnormousDelayNeverFires(backend: PollerBackend) throws {
        for clock in [ManualClock() as LoopClock, MonotonicClock()] {
            let loop = try EventLoop(backend: backend, clock: clock)
            var fired = false
            let timer = loop.schedule(after: .seconds(Int64.max)) { fired = true }
            try loop.runPass(timeout: .zero)
            #expect(!fired)
            #expect(timer.isScheduled)
            #expect(timer.deadline > clock.now)
        }
    }

    @Test(arguments: PollerBackend.allCases)
    func anEnormousPassTimeoutIsAWaitWithoutALimit(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        loop.handle.wakeUp()
        try loop.runPass(timeout: .seconds(Int64.max))
        loop.schedule(after: .milliseconds(1)) {}
        try loop.run(timeout: .seconds(Int64.max))
        #expect(loop.pendingTimerCount == 0)
    }

    @Test func instantArithmeticSaturatesInsteadOfWrapping() {
        let late = LoopInstant(nanoseconds: .max - 5)
        let early = LoopInstant(nanoseconds: .min + 5)
        #expect(late.advanced(by: .seconds(1)) == LoopInstant(nanoseconds: .max))
        #expect(early.advanced(by: .seconds(-1)) == LoopInstant(nanoseconds: .min))
        #expect(late.duration(since: early) == .nanoseconds(Int64.max))
        #expect(early.duration(since: late) == .nanoseconds(Int64.min))
        #expect(LoopInstant(nanoseconds: 10).duration(since: LoopInstant(nanoseconds: 4)) == .nanoseconds(6))
    }
}
