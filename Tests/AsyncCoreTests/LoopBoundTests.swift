import AsyncCore
import Glibc
import TestSupport
import Testing

/// `LoopBound`: a loop's value carried by other threads and touched only on
/// the loop's thread.
@Suite("Loop bound")
struct LoopBoundTests {
    /// Records, when it goes away, whether that happened on its loop's thread.
    private final class ReleaseWitness {
        let handle: LoopHandle
        let releasedOnLoop: SharedState<Bool?>

        init(handle: LoopHandle, releasedOnLoop: SharedState<Bool?>) {
            self.handle = handle
            self.releasedOnLoop = releasedOnLoop
        }

        deinit {
            let onLoop = handle.isOnLoopThread
            releasedOnLoop.update { $0 = onLoop }
        }
    }

    private final class Counter {
        var count = 0
    }

    @Test func theValueIsReadAndWrittenOnItsLoopThroughTheHandle() async throws {
        let (thread, counter) = try await EventLoopThread.start { loop in LoopBound(Counter(), loop: loop) }
        defer { thread.stop() }
        for _ in 0..<10 {
            thread.handle.execute { counter.value.count += 1 }
        }
        #expect(try await thread.handle.submit { _ in counter.value.count } == 10)
        try await thread.handle.submit { _ in counter.value = Counter() }
        #expect(try await thread.handle.submit { _ in counter.value.count } == 0)
    }

    @Test func theLoopThreadThatMadeTheLoopMayUseTheValueDirectly() throws {
        let loop = try EventLoop()
        let lines = LoopBound(["first"], loop: loop)
        lines.value.append("second")
        #expect(lines.value == ["first", "second"])
        #expect(lines.handle === loop.handle)
    }

    @Test(arguments: ["read", "write"])
    func touchingTheValueOffItsLoopStopsTheProgramNamingTheLoop(operation: String) throws {
        let probe = try ChildProcess(path: try BuiltProduct.path("loop-bound-probe"), arguments: [operation])
        defer { probe.kill() }
        let status = try probe.waitForExit(within: .seconds(30))
        #expect(status == .killed(SIGILL) || status == .killed(SIGTRAP), "\(status)")
        let verb = operation == "read" ? "read" : "written"
        #expect(probe.errorText.contains("LoopBound<Counter> \(verb) on thread 'loop-bound-pro"), "\(probe.errorText)")
        #expect(probe.errorText.contains("but it belongs to event loop "), "\(probe.errorText)")
        #expect(probe.errorText.contains("(thread 'probe-loop')"), "\(probe.errorText)")
        #expect(!probe.outputText.contains("not stopped"))
    }

    @Test func theValueIsReleasedOnItsLoopWhenTheLastReferenceGoesAwayElsewhere() async throws {
        let releasedOnLoop = SharedState<Bool?>(nil)
        let thread: EventLoopThread
        do {
            let (started, witness) = try await EventLoopThread.start { loop in
                LoopBound(ReleaseWitness(handle: loop.handle, releasedOnLoop: releasedOnLoop), loop: loop)
            }
            thread = started
            _ = witness
        }
        defer { thread.stop() }
        // The box went away on this thread; its value must go on the loop's.
        releasedOnLoop.wait(until: { $0 != nil })
        #expect(releasedOnLoop.current == true)
    }
}
