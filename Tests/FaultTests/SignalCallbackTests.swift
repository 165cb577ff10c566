import AsyncCore
import Glibc
import TestSupport
import Testing

extension Faults {
    /// `onSignals` on each backend, in a probe child (signal handlers are
    /// process-wide): a signal becomes one callback on the loop that asked
    /// for it, also while another loop in the process wakes all the time.
    @Suite("Signal callbacks")
    struct SignalCallbackTests {
        @Test(arguments: PollerBackend.allCases)
        func eachSignalRunsTheCallbackOnTheLoop(backend: PollerBackend) async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--backend", backend.rawValue, "--signals"])
                try expectOneCallbackPerSpacedSignal(probe)
            }
        }

        @Test(arguments: PollerBackend.allCases)
        func anotherLoopWakingUpDoesNotTakeTheSignals(backend: PollerBackend) async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--backend", backend.rawValue, "--signals", "--busy-neighbour"])
                // The loop's thread and the neighbour's (and ThreadSanitizer's own, in a sanitizer run).
                #expect(try ProcessStatus(pid: probe.pid).threadCount() == (ThreadSanitizer.isRunning ? 3 : 2))
                try expectOneCallbackPerSpacedSignal(probe)
            }
        }

        private func expectOneCallbackPerSpacedSignal(_ probe: ProbeProcess) throws {
            #expect(try probe.stats().signals == 0)
            for count in 1...10 {
                probe.send(signal: SIGUSR1)
                try probe.waitForStats("callback \(count)") { $0.signals >= count }
            }
            #expect(try probe.stats().signals == 10)
            #expect(probe.isRunning)
        }
    }
}
