import AsyncCore
import Glibc
import TestSupport
import Testing

/// A server that runs out of descriptors (`EMFILE` on accept) keeps running,
/// does not spin, and serves the waiting clients once descriptors are free
/// (REFERENCE-SPEC W-2). The server is a child process under `ulimit -n 40`,
/// so the test process's own limit is never touched.
@Suite("Accept with descriptors exhausted")
struct AcceptExhaustionTests {
    @Test(arguments: PollerBackend.allCases)
    func aServerOutOfDescriptorsPausesAcceptingThenServesEveryWaitingClient(backend: PollerBackend) throws {
        let probe = try ChildProcess(
            path: "/bin/sh", arguments: ["-c", "ulimit -n 40 && exec \"$0\" \"$1\"", try BuiltProduct.path("emfile-probe"), backend.rawValue])
        defer { probe.kill() }
        let announcement = try probe.waitForLine(containing: "listening on ", within: .seconds(30))
        let hostAndPort = announcement.split(separator: " ").last.map(String.init) ?? ""
        let port = try #require(hostAndPort.split(separator: ":").last.flatMap { UInt16($0) })
        let address = SocketAddress.ipv4(host: "127.0.0.1", port: port)

        // More clients than the server has descriptors; each says its line at once.
        let lines = (0..<60).map { Array("client \($0) wants its line back\n".utf8) }
        var clients: [PeerSocket] = []
        defer { clients.forEach { $0.close() } }
        for line in lines {
            let client = try PeerSocket.connect(to: address)
            clients.append(client)
            try client.send(line)
        }
        _ = try probe.waitForLine(containing: "cannot accept", within: .seconds(20))

        // Paused, it neither spins nor floods its log.
        let cpuBefore = try probe.status.cpuTime()
        let logged = try probe.lines(during: .seconds(1))
        let cpuUsed = try probe.status.cpuTime() - cpuBefore
        #expect(cpuUsed < .milliseconds(100), "the paused server used \(cpuUsed) of CPU in one second")
        #expect(logged.count < 30, "the paused server logged \(logged.count) lines in one second")
        #expect(probe.isRunning)

        // Each client closed frees a descriptor, so every waiting client is served in turn.
        for (index, client) in clients.enumerated() {
            #expect(try client.receive(count: lines[index].count, within: .seconds(20)) == lines[index])
            client.close()
        }
        clients.removeAll()
        #expect(probe.isRunning)
    }
}
