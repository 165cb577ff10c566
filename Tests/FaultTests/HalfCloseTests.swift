import TestSupport
import Testing

extension Faults {
    /// A client half-closes (`shutdown(SHUT_WR)`) while the server holds
    /// output for it, and input it has not read yet, ending wherever its last
    /// send stopped (mid-line, as often as not): it still reads every byte
    /// of its echo, then the end of the connection. An SMTP
    /// client that half-closes after a pipelined transaction gets every
    /// reply; one that half-closes in the middle of DATA delivers nothing.
    @Suite("A peer that half-closes")
    struct HalfCloseTests {
        @Test(arguments: ["line", "raw"])
        func everyQueuedByteReachesAPeerThatHalfClosedThenTheConnectionEnds(mode: String) async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", mode])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()

                let client = try Client.connected(to: probe.port)
                var sender = LineSender(lines: 0..<(64 << 10))
                let held = try sendUntilHeld(client, sending: &sender, probe: probe)
                try client.shutdownOutput()
                #expect(try good.expectReply(to: "meanwhile\n", "meanwhile\n"))

                var checker = NumberedLinesChecker()
                try receiveToEnd(client, into: &checker, until: Deadline(.seconds(30)))
                #expect(checker.mismatchAt == nil, "the echo differs at byte \(checker.mismatchAt ?? 0)")
                #expect(checker.receivedBytes == sender.sentBytes, "\(checker.receivedBytes) of \(sender.sentBytes) bytes came back; \(held.queued) were queued at the half-close")
                try probe.waitForStats("the half-closed client's channel to close") { $0.dispatchers == idle.dispatchers }
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }

        static let transaction = "EHLO half.test\r\nMAIL FROM:<a@half.test>\r\nRCPT TO:<b@probe.test>\r\nDATA\r\n"
            + "Message-ID: <half@probe.test>\r\n\r\nbody\r\n"

        @Test func aPipelinedSMTPTransactionThenAHalfCloseGetsEveryReplyAndDelivers() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["smtp"])
                let client = SMTPClient(try Client.connected(to: probe.port))
                try client.client.send(Array((Self.transaction + ".\r\n").utf8))
                try client.client.shutdownOutput()
                #expect(try [220, 250, 250, 250, 354, 250].map { _ in try client.readReply() } == [220, 250, 250, 250, 354, 250])
                #expect(try client.client.receiveToEnd().isEmpty)
                #expect(try probe.stats().delivered == 1)
            }
        }

        @Test func aHalfCloseInTheMiddleOfDataDeliversNothing() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["smtp"])
                let client = SMTPClient(try Client.connected(to: probe.port))
                try client.client.send(Array(Self.transaction.utf8))
                try client.client.shutdownOutput()
                #expect(try [220, 250, 250, 250, 354].map { _ in try client.readReply() } == [220, 250, 250, 250, 354])
                #expect(try client.client.receiveToEnd().isEmpty)
                let (good, _) = try SMTPClient.connected(to: probe.port)
                #expect(try good.command("EHLO good.test") == 250)
                #expect(try probe.stats().delivered == 0)
            }
        }
    }
}
