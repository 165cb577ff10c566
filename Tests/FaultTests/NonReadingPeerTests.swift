import AsyncCore
import TestSupport
import Testing

extension Faults {
    /// A client sends 100 MB of lines to the echo server and reads none of
    /// the echo until the server has stopped reading from it. The server's
    /// memory stays bounded by its pending-output limit (1 MiB by default),
    /// not by what the client sends; another client is served throughout;
    /// once the client reads, it gets every one of the 100 MB back, exactly.
    @Suite("A peer that never reads while the server pushes 100 MB")
    struct NonReadingPeerTests {
        static let totalLines = 100 << 10   // 100 MiB of 1 KiB lines
        /// Growth of the server's peak resident memory allowed over the whole
        /// run: the 1 MiB of held output, the raw handler's queue array
        /// doubling as it grows (old and new storage alive at once), a 64 KiB
        /// read, allocator slack. Measured: about 1.3 MiB (line), 3.5–5 MiB (raw).
        static let memoryBound = 12 << 20

        @Test(arguments: ["line", "raw"])
        func theEchoIsHeldWithinItsBoundAndArrivesWhole(mode: String) async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", mode])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()
                let before = try probe.memory()

                let slow = try Client.connected(to: probe.port)
                var sender = LineSender(lines: 0..<Self.totalLines)
                let held = try sendUntilHeld(slow, sending: &sender, probe: probe)
                #expect(held.queued <= (1 << 20) + (64 << 10), "queued output \(held.queued) is past the watermark plus one read")
                for round in 0..<10 {
                    #expect(try good.expectReply(to: "still served \(round)\n", "still served \(round)\n"))
                }
                let whileHeld = try probe.memory()
                expectResidentGrowth(whileHeld.peak - before.current, below: Self.memoryBound, "peak while held")

                var checker = NumberedLinesChecker()
                try exchange(slow, sending: &sender, expecting: Self.totalLines, into: &checker, until: Deadline(.seconds(40)))
                #expect(checker.mismatchAt == nil, "the echo differs at byte \(checker.mismatchAt ?? 0)")
                #expect(checker.verifiedLines == Self.totalLines)

                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memoryBound, "peak for 100 MB")
                slow.close()
                try probe.waitForStats("the slow client's channel to close") { $0.dispatchers == idle.dispatchers }
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }
    }
}
