import TestSupport
import Testing

extension Faults {
    /// Clients reset their connection (`SO_LINGER` 0) while the server is
    /// writing to them, with output queued and input unread, or in the
    /// middle of an SMTP message. The server lives, drops their queues (its
    /// memory does not keep them), delivers nothing for an unfinished
    /// message, and serves a well-behaved client throughout.
    @Suite("Peers that reset mid-write")
    struct PeerResetTests {
        static let resetCount = 20
        /// Growth of the server's peak resident memory allowed: one held
        /// client's queue (1 MiB) and slack, not one per reset client.
        /// Measured: 1.1–2.4 MiB.
        static let memoryBound = 8 << 20

        @Test(arguments: ["line", "raw"])
        func resetsWithOutputQueuedCostNothingAndOthersAreServed(mode: String) async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", mode])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()
                let before = try probe.memory()

                for round in 0..<Self.resetCount {
                    let client = try Client.connected(to: probe.port, receiveBuffer: 4096)
                    var sender = LineSender(lines: 0..<(64 << 10))
                    let held = try sendUntilHeld(client, sending: &sender, probe: probe)
                    #expect(held.queued > 0)
                    client.reset()
                    #expect(try good.expectReply(to: "round \(round)\n", "round \(round)\n"))
                }
                try probe.waitForStats("every reset client's channel to close") { $0.dispatchers == idle.dispatchers }
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memoryBound, "peak after \(Self.resetCount) resets")
                #expect(probe.isRunning)
            }
        }

        /// Thousands of pipelined HELPs (a 70-byte reply each), none of their
        /// replies read, then a reset; and resets in the middle of DATA.
        @Test func smtpResetsWhileRepliesAreQueuedOrMidMessageDeliverNothing() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["smtp"])
                let (good, _) = try SMTPClient.connected(to: probe.port)
                #expect(try good.command("EHLO good.test") == 250)
                let idle = try probe.stats()
                let before = try probe.memory()

                let helps = Array(String(repeating: "HELP\r\n", count: 10_000).utf8)
                let message = Array(("EHLO reset.test\r\nMAIL FROM:<a@reset.test>\r\nRCPT TO:<b@probe.test>\r\nDATA\r\n"
                    + String(repeating: "a line of a message that will never end\r\n", count: 2000)).utf8)
                for round in 0..<Self.resetCount {
                    let client = try Client.connected(to: probe.port, receiveBuffer: 4096)
                    if round % 2 == 0 {
                        // HELPs, their replies unread, until the server queues replies.
                        let deadline = Deadline(.seconds(20))
                        while try helps.withUnsafeBytes({ try client.sendSome($0) }) > 0 || probe.stats().queued == 0 {
                            if deadline.hasPassed { throw FaultError("no SMTP replies were ever queued") }
                        }
                    } else {
                        try client.send(message)
                    }
                    client.reset()
                    #expect(try good.command("NOOP") == 250)
                }
                try probe.waitForStats("every reset session to close") { $0.dispatchers == idle.dispatchers }
                #expect(try probe.stats().delivered == 0)
                #expect(try good.sendMessage(id: "good@probe.test") == [250, 250, 354, 250])
                #expect(try probe.stats().delivered == 1)
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memoryBound, "peak after \(Self.resetCount) resets")
                #expect(probe.isRunning)
            }
        }
    }
}
