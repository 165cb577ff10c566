import TestSupport
import Testing

extension Faults {
    /// A client sends 100 MB and never the terminator the server waits for.
    /// The server keeps at most its limit of the frame (64 KiB for an echo
    /// line, 512 bytes for an SMTP command, the message size limit for
    /// DATA), says so once the terminator comes, and goes on serving that
    /// client and the others.
    @Suite("A peer that sends 100 MB without a terminator")
    struct UnterminatedFloodTests {
        static let floodSize = 100 << 20
        /// Growth of the server's peak resident memory allowed, on top of
        /// the limit that applies (none for echo lines and SMTP commands).
        /// Measured: about 0.1 MiB for echo lines and SMTP commands, 1.2 MiB
        /// for DATA under a 1 MiB size limit.
        static let memorySlack = 4 << 20

        /// Sends `floodSize` bytes made of `block` repeated through `client`,
        /// running `between` after every 10 MiB.
        static func flood(_ client: Client, with block: [UInt8], between: (Int) throws -> Void) throws {
            let deadline = Deadline(.seconds(40))
            var sent = 0
            while sent < floodSize {
                try client.send(block, within: deadline.remaining)
                sent += block.count
                if sent % (10 << 20) == 0 { try between(sent) }
            }
        }

        @Test func anEchoLineIsRefusedOnceAndTheNextLineEchoes() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", "line"])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let before = try probe.memory()

                let flooder = try Client.connected(to: probe.port)
                try Self.flood(flooder, with: [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)) { (sent: Int) throws in
                    #expect(try good.expectReply(to: "at \(sent)\n", "at \(sent)\n"))
                }
                #expect(try flooder.expectReply(to: "\nafter\n", "error: line too long\r\nafter\n"))
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memorySlack, "peak for 100 MB")
                #expect(probe.isRunning)
            }
        }

        @Test func anSMTPCommandLineIsAnswered500AndTheSessionGoesOn() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["smtp"])
                let (good, _) = try SMTPClient.connected(to: probe.port)
                #expect(try good.command("EHLO good.test") == 250)
                let before = try probe.memory()

                let (flooder, greeting) = try SMTPClient.connected(to: probe.port)
                #expect(greeting == 220)
                try Self.flood(flooder.client, with: [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)) { (_: Int) throws in
                    #expect(try good.command("NOOP") == 250)
                }
                #expect(try flooder.command("") == 500)
                #expect(try flooder.command("EHLO flood.test") == 250)
                #expect(try flooder.sendMessage(id: "after-flood@probe.test") == [250, 250, 354, 250])
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memorySlack, "peak for 100 MB")
                #expect(try probe.stats().delivered == 1)
                #expect(probe.isRunning)
            }
        }

        /// 100 MB of DATA lines and no final dot, against a 1 MiB size limit.
        @Test func smtpDataPastTheSizeLimitIsAnswered552AndNothingIsDelivered() async throws {
            try await onOwnThread {
                let sizeLimit = 1 << 20
                let probe = try ProbeProcess(["smtp", "--size", String(sizeLimit)])
                let (good, _) = try SMTPClient.connected(to: probe.port)
                #expect(try good.command("EHLO good.test") == 250)
                let before = try probe.memory()

                let (flooder, _) = try SMTPClient.connected(to: probe.port)
                #expect(try flooder.command("EHLO flood.test") == 250)
                #expect(try flooder.command("MAIL FROM:<flood@probe.test>") == 250)
                #expect(try flooder.command("RCPT TO:<rcpt@probe.test>") == 250)
                #expect(try flooder.command("DATA") == 354)
                let line = [UInt8](repeating: UInt8(ascii: "d"), count: 1022) + [13, 10]
                let block = Array((0..<1024).map { _ in line }.joined())
                try Self.flood(flooder.client, with: block) { (_: Int) throws in
                    #expect(try good.command("NOOP") == 250)
                }
                #expect(try flooder.command(".") == 552)
                #expect(try probe.stats().delivered == 0)
                #expect(try flooder.sendMessage(id: "after-flood@probe.test") == [250, 250, 354, 250])
                #expect(try probe.stats().delivered == 1)
                let after = try probe.memory()
                let growth = after.peak - before.current
                expectResidentGrowth(growth, below: sizeLimit + Self.memorySlack, "peak for 100 MB of DATA")
                #expect(probe.isRunning)
            }
        }
    }
}
