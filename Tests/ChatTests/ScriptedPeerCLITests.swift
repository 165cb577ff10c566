import Foundation
import TestSupport
import Testing

/// The `scripted-peer` command against a chat server listening on TCP.
@Suite struct ScriptedPeerCLITests {
    private let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    private func path(_ name: String) -> String { transcripts.appendingPathComponent(name).path }

    private func temporaryScript(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scripted-peer-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func theChatTranscriptsPassOverTCP() throws {
        let server = try TCPChatServer()
        let scripts = ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"].map(path)
        let outcome = try ScriptedPeerProcess.run(["--port", "\(server.port)", "--chunking", "random:3"] + scripts)
        #expect(outcome.status == 0, "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output.hasSuffix("4 passed, 0 failed\n"))
        #expect(outcome.output.contains("ok    \(path("greeting.txt")) ("))
    }

    @Test func aFailingTranscriptExitsWithOneAndPrintsTheDiff() throws {
        let server = try TCPChatServer()
        let script = try temporaryScript("S: *** Welcome to the chat room\nS: *** Choose a nick\n")
        defer { try? FileManager.default.removeItem(atPath: script) }
        let outcome = try ScriptedPeerProcess.run(["--host", "127.0.0.1", "--port", "\(server.port)", path("greeting.txt"), script])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("""
            FAIL  \(script)
                  dialogue "\(script)" failed at \(script):2 (chunking: whole)
                  transcript so far:
                    S: *** Welcome to the chat room
                  expected: S: *** Choose a nick
                  received: S: *** Choose a nick with /nick NAME
                                                ^ first difference
            1 passed, 1 failed
            """))
    }

    @Test func aMalformedTranscriptExitsWithTwoAndNamesTheLine() throws {
        let script = try temporaryScript("S: fine\nS; typo\n")
        defer { try? FileManager.default.removeItem(atPath: script) }
        let outcome = try ScriptedPeerProcess.run(["--port", "9", path("greeting.txt"), script])
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors.hasPrefix("scripted-peer: \(script):2: unknown step 'S; typo'"))
    }

    @Test func virtualTimeIsRefusedOverTCPWithTheLine() throws {
        let outcome = try ScriptedPeerProcess.run(["--port", "9", path("idle.txt")])
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("scripted-peer: \(path("idle.txt")):8: T+ moves the virtual clock of an in-process server"))
    }

    @Test(arguments: [
        (["greeting.txt"], "scripted-peer: --port is required"),
        (["--port", "7008"], "scripted-peer: give at least one transcript file"),
        (["--port", "x", "a.txt"], "scripted-peer: --port needs a number from 1 to 65535, not 'x'"),
        (["--port", "7008", "--chunking", "halves", "a.txt"], "scripted-peer: --chunking takes whole, bytes, all, split:N or random:SEED, not 'halves'"),
        (["--port", "7008", "--deadline", "soon", "a.txt"], "scripted-peer: --deadline needs a duration such as 500ms, 5s or 1m, not 'soon'"),
        (["--port", "7008", "--verbose", "a.txt"], "scripted-peer: unknown flag --verbose"),
    ])
    func badUsageExitsWithTwo(arguments: [String], message: String) throws {
        let outcome = try ScriptedPeerProcess.run(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.errors == message + "\nscripted-peer: try 'scripted-peer --help' for more information\n")
    }

    @Test func helpExitsWithZero() throws {
        let outcome = try ScriptedPeerProcess.run(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("usage: scripted-peer [--host HOST] --port PORT"))
    }
}
