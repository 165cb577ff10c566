import AsyncCore
import Glibc
import TestSupport
import Testing

extension Faults {
    /// 10,000 clients connected at once, each echoed while all are open. The
    /// server raises its own descriptor limit (a child process: the test
    /// process's limit is never changed); the clients' descriptors are the
    /// test process's, so the test needs a soft limit above 10,000 here.
    @Suite("10,000 connections")
    struct ManyConnectionsTests {
        static let clientCount = 10_000
        /// Resident memory the server may add per open connection: its
        /// channel object, map entries and allocator slack; no buffers are
        /// kept for an idle connection (about 300 bytes measured).
        static let memoryPerConnection = 1024

        static var enoughDescriptors: Bool {
            guard let limit = try? OpenFileLimit.current() else { return false }
            return limit.soft >= clientCount + 1024 && limit.hard >= clientCount + 64
        }

        @Test(.enabled(if: enoughDescriptors, "needs a soft descriptor limit of at least 11,024 in the test process and a hard limit of 10,064"))
        func everyClientIsEchoedWhileAllAreOpen() async throws {
            try await onOwnThread {
                let probe = try ProbeProcess(["echo", "--mode", "line", "--nofile", "max"])
                let good = try Client.connected(to: probe.port)
                #expect(try good.expectReply(to: "warm up\n", "warm up\n"))
                let idle = try probe.stats()
                let before = try probe.memory()

                var clients: [Client] = []
                clients.reserveCapacity(Self.clientCount)
                let deadline = Deadline(.seconds(40))
                var wrongEchoes = 0
                for batchStart in stride(from: 0, to: Self.clientCount, by: 500) {
                    let batch = batchStart..<min(batchStart + 500, Self.clientCount)
                    for _ in batch { clients.append(try Client(port: probe.port)) }
                    for index in batch {
                        try clients[index].send(Array("client \(index)\n".utf8), within: deadline.remaining)
                    }
                    for index in batch {
                        let line = Array("client \(index)\n".utf8)
                        if try clients[index].receive(count: line.count, within: deadline.remaining) != line { wrongEchoes += 1 }
                    }
                }
                #expect(wrongEchoes == 0)
                let open = try probe.stats()
                #expect(open.dispatchers == idle.dispatchers + Self.clientCount)
                #expect(try good.expectReply(to: "with 10,000 others\n", "with 10,000 others\n"))
                let loaded = try probe.memory()
                let perConnection = (loaded.current - before.current) / Self.clientCount
                expectResidentGrowth(perConnection, below: Self.memoryPerConnection, "per connection")

                // Every client is still served, in a second round with all open.
                for index in stride(from: 0, to: Self.clientCount, by: 97) {
                    #expect(try clients[index].expectReply(to: "again \(index)\n", "again \(index)\n", within: deadline.remaining))
                }
                for client in clients { client.close() }
                try probe.waitForStats(within: deadline.remaining, "all 10,000 channels to close") { $0.dispatchers == idle.dispatchers }
                #expect(try good.expectReply(to: "after\n", "after\n"))
                #expect(probe.isRunning)
            }
        }
    }
}
