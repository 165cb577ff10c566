import AsyncCore
import Glibc
import ProtocolTesting
import Testing

@Suite struct TCPModeTests {
    @Test func aTranscriptRunsAgainstAServerOverTCP() throws {
        let server = try tcpLineEcho()
        let dialogue = try Dialogue(contentsOfFile: "Transcripts/line-echo.txt", relativeTo: #filePath)
        let report = try dialogue.run(against: .tcp(host: "127.0.0.1", port: server.port), chunking: .all(maxSplits: 8))
        #expect(report.runs == 10)
    }

    @Test func severalClientsConnectOverTCP() throws {
        let server = try tcpLineEcho()
        let dialogue = try Dialogue(transcript: "@a C: 1\n@b C: 2\n@b S: echo: 2\n@a S: echo: 1\n", name: "two.txt")
        try dialogue.run(against: .tcp(host: "localhost", port: server.port))
    }

    @Test func aRefusedConnectionIsReported() throws {
        // A bound socket that does not listen refuses connections, and holds the port meanwhile.
        let holder = try Socket.make()
        defer { holder.close() }
        try holder.bind(to: .ipv4(port: 0))
        let port = try holder.localAddress().port ?? 0
        let dialogue = try Dialogue(transcript: "S: hello\n", name: "refused.txt")
        let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: .tcp(host: "127.0.0.1", port: port)) }
        #expect(report?.kind == .connectFailed)
        #expect(report?.expected == "the client connected to 127.0.0.1:\(port)")
        #expect(report?.received == "connect failed: Connection refused (ECONNREFUSED)")
    }
}
