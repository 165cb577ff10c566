import TestSupport
import Testing

extension Faults {
    /// The server runs out of descriptors (`EMFILE`) while clients keep
    /// connecting: 1,000 of them against a limit of 64. It keeps serving the
    /// clients it has, pauses accepting (100 ms backoff, or until a
    /// descriptor is freed) instead of spinning or flooding its log, holds
    /// no memory for the waiting clients, and once descriptors come free
    /// serves every waiting client, in turn. (AcceptExhaustionTests in
    /// AsyncCoreTests pins the CPU use of a paused listener; this suite
    /// keeps clients arriving throughout.)
    @Suite("Out of descriptors while clients keep connecting")
    struct DescriptorExhaustionTests {
        static let clientCount = 1000
        static let descriptorLimit = 64
        /// Growth of the server's peak resident memory allowed while clients
        /// wait: they wait in the kernel's backlog, not in the server.
        /// Measured: about 0.2 MiB.
        static let memoryBound = 4 << 20

        @Test func theServerKeepsServingAndEveryWaitingClientIsEchoedOnceDescriptorsFree() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", "line", "--nofile", String(Self.descriptorLimit)])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()
                let before = try probe.memory()
                let started = ContinuousClock.now

                var clients: [Client] = []
                for index in 0..<Self.clientCount {
                    let client = try Client.connected(to: probe.port)
                    try client.send(Array("client \(index)\n".utf8))
                    clients.append(client)
                    if index % 100 == 99 {
                        #expect(try good.expectReply(to: "after \(index + 1) connects\n", "after \(index + 1) connects\n"))
                    }
                }
                let exhausted = try probe.stats()
                #expect(exhausted.dispatchers < idle.dispatchers + Self.descriptorLimit, "the server holds \(exhausted.dispatchers) dispatchers")
                try probe.collectLogLines()
                let pauses = probe.logLines.filter { $0.contains("cannot accept") }.count
                let elapsed = ContinuousClock.now - started
                #expect(pauses >= 1)
                // One line per pause, a pause lasting 100 ms unless a descriptor frees first.
                #expect(Double(pauses) <= elapsed / .milliseconds(100) + 10, "\(pauses) pause lines in \(elapsed)")
                let whileExhausted = try probe.memory()
                expectResidentGrowth(whileExhausted.peak - before.current, below: Self.memoryBound, "peak while out of descriptors")

                // Each client served and closed frees a descriptor for the next.
                let deadline = Deadline(.seconds(40))
                var wrongEchoes = 0
                for (index, client) in clients.enumerated() {
                    let line = Array("client \(index)\n".utf8)
                    if try client.receive(count: line.count, within: deadline.remaining) != line { wrongEchoes += 1 }
                    client.close()
                }
                #expect(wrongEchoes == 0)
                try probe.waitForStats("every client's channel to close") { $0.dispatchers == idle.dispatchers }
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }
    }
}
