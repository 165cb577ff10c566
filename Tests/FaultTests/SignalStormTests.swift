import Glibc
import TestSupport
import Testing

extension Faults {
    /// SIGUSR1 storms at a child server whose loop counts them
    /// (`onSignals`), while it waits in `epoll_wait` and while it echoes
    /// 20 MB. The process lives, keeps serving, and counts correctly:
    /// signals that arrive before the loop gets to them are coalesced into
    /// one callback (as POSIX does for a pending signal), so a burst of n
    /// counts between 1 and n, while a signal sent after the last callback
    /// ran always gets a callback of its own: spaced signals count exactly.
    @Suite("Signals during the poll wait")
    struct SignalStormTests {
        static let burst = 1000

        @Test func aServerCountsSignalsCorrectlyAndKeepsServingWhileIdleAndBusy() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", "line", "--signals"])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))

                // Spaced, while idle: one callback each.
                for count in 1...20 {
                    probe.send(signal: SIGUSR1)
                    try probe.waitForStats("callback \(count)") { $0.signals >= count }
                }
                var counted = try settledSignalCount(probe)
                #expect(counted == 20)

                // A burst while idle: coalesced, never more callbacks than signals.
                for _ in 0..<Self.burst { probe.send(signal: SIGUSR1) }
                let afterBurst = try settledSignalCount(probe)
                #expect(afterBurst > counted && afterBurst <= counted + Self.burst, "\(afterBurst - counted) callbacks for \(Self.burst) signals")
                counted = afterBurst
                #expect(try good.expectReply(to: "after the burst\n", "after the burst\n"))

                // A storm while busy: 20 MB of echo and round trips in the middle of it.
                let sender = SignalSender(signal: SIGUSR1, to: probe.pid)
                let busy = try Client.connected(to: probe.port)
                var lines = LineSender(lines: 0..<(20 << 10))
                var checker = NumberedLinesChecker()
                try exchange(busy, sending: &lines, expecting: 20 << 10, into: &checker, until: Deadline(.seconds(40)))
                for round in 0..<20 {
                    #expect(try good.expectReply(to: "storm \(round)\n", "storm \(round)\n"))
                }
                let sent = sender.stop()
                #expect(checker.mismatchAt == nil, "the echo differs at byte \(checker.mismatchAt ?? 0)")
                #expect(checker.verifiedLines == 20 << 10)
                let afterStorm = try settledSignalCount(probe)
                #expect(afterStorm > counted && afterStorm <= counted + sent, "\(afterStorm - counted) callbacks for \(sent) signals")
                counted = afterStorm

                // Still exact once the storm is over.
                for count in (counted + 1)...(counted + 5) {
                    probe.send(signal: SIGUSR1)
                    try probe.waitForStats("callback \(count)") { $0.signals >= count }
                }
                #expect(try settledSignalCount(probe) == counted + 5)
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }

        /// The count once every signal sent has reached the probe's handler
        /// and its callback has run: nothing pending in the kernel, then a
        /// stats reply (in whose pass the handler's wake-up is seen at the
        /// latest), then one more stats to read the result.
        private func settledSignalCount(_ probe: ProbeProcess) throws -> Int {
            let deadline = Deadline(.seconds(20))
            while try probe.pendingSignals() != 0 {
                if deadline.hasPassed { throw FaultError("signals stay pending for the probe") }
                _ = try probe.stats()
            }
            _ = try probe.stats()
            return try probe.stats().signals
        }
    }
}
