import Glibc
import TestSupport
import Testing

extension Faults {
    /// 2,000 clients connect and vanish: before the handshake completes,
    /// with a reset, after half a line or half a message. The server lives,
    /// releases every one of their descriptors and channels, delivers
    /// nothing for them, and serves a well-behaved client between batches.
    @Suite("Peers that connect and vanish")
    struct VanishingPeerTests {
        static let clientCount = 2000
        /// Growth of the server's peak resident memory allowed for the whole
        /// storm: the sessions open at the same moment, never the 2,000.
        /// Measured: under 0.2 MiB (echo), about 2.5 MiB (SMTP).
        static let memoryBound = 8 << 20

        /// How the `index`th client vanishes.
        static func vanish(_ index: Int, port: UInt16, partial: String) throws {
            let client = try Client(port: port)
            switch index % 4 {
            case 0:
                client.close()
            case 1:
                _ = try Deadline(.seconds(10)).awaitEvents(Int16(POLLOUT), on: client.socket.descriptor)
                client.reset()
            case 2:
                try client.send(Array(partial.utf8))
                client.reset()
            default:
                try client.send(Array(partial.utf8))
                client.close()
            }
        }

        /// Connects one more client and has it served: the listener accepts
        /// in arrival order, so every vanished client has been accepted (or
        /// dropped by the kernel) by then, and counting the open channels
        /// afterwards says something.
        static func sentinel(port: UInt16, served: (Client) throws -> Bool) throws -> Client {
            let client = try Client.connected(to: port)
            #expect(try served(client))
            return client
        }

        @Test func echoServerForgetsEveryVanishedClient() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", "line"])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()
                let descriptors = try probe.openDescriptorCount()
                let before = try probe.memory()

                for index in 0..<Self.clientCount {
                    try Self.vanish(index, port: probe.port, partial: "half a li")
                    if index % 200 == 199 {
                        #expect(try good.expectReply(to: "between \(index)\n", "between \(index)\n"))
                    }
                }
                let last = try Self.sentinel(port: probe.port) { try $0.expectReply(to: "last\n", "last\n") }
                try probe.waitForStats("every vanished client's channel to close") { $0.dispatchers == idle.dispatchers + 1 }
                #expect(try probe.openDescriptorCount() == descriptors + 1)
                last.close()
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memoryBound, "peak after \(Self.clientCount) vanished clients")
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }

        @Test func smtpServerForgetsEveryVanishedClientAndDeliversNothingForThem() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["smtp"])
                let (good, greeting) = try SMTPClient.connected(to: probe.port)
                #expect(greeting == 220)
                #expect(try good.command("EHLO good.test") == 250)
                let idle = try probe.stats()
                let descriptors = try probe.openDescriptorCount()
                let before = try probe.memory()

                let halfAMessage = "EHLO gone.test\r\nMAIL FROM:<a@gone.test>\r\nRCPT TO:<b@probe.test>\r\nDATA\r\nSubject: half\r\n\r\nhalf a bo"
                for index in 0..<Self.clientCount {
                    try Self.vanish(index, port: probe.port, partial: index % 8 < 4 ? "MAIL FROM:<a@gone" : halfAMessage)
                    if index % 200 == 199 {
                        #expect(try good.command("NOOP") == 250)
                    }
                }
                let last = try Self.sentinel(port: probe.port) { try SMTPClient($0).readReply() == 220 }
                try probe.waitForStats("every vanished client's channel to close") { $0.dispatchers == idle.dispatchers + 1 }
                #expect(try probe.openDescriptorCount() == descriptors + 1)
                last.close()
                let after = try probe.memory()
                expectResidentGrowth(after.peak - before.current, below: Self.memoryBound, "peak after \(Self.clientCount) vanished clients")
                #expect(try probe.stats().delivered == 0)
                #expect(try good.sendMessage(id: "good@probe.test") == [250, 250, 354, 250])
                #expect(try probe.stats().delivered == 1)
                #expect(probe.isRunning)
            }
        }
    }
}
