import Foundation
import TestSupport
import Testing

/// The `scripted-peer` command against a chat server listening on TCP.
@Suite struct ScriptedPeerCLITests {
    private let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    private func path(_ name: String) -> String { transcripts.appendingPathComponent(name).path }

    @Test func theChatTranscriptsPassOverTCP() throws {
        let server = try tcpChatServer()
        let scripts = ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"].map(path)
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", "\(server.port)", "--chunking", "random:3"] + scripts)
        let status = try peer.waitForExit(within: .seconds(60))
        #expect(status == .exited(0), "\(peer.outputText)\(peer.errorText)")
        #expect(peer.outputText.hasSuffix("4 passed, 0 failed\n"))
        #expect(peer.outputText.contains("ok    \(path("greeting.txt")) ("))
    }

    @Test func aFailingTranscriptExitsWithOneAndPrintsTheDiff() throws {
        let server = try tcpChatServer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = try directory.write(Array("S: *** Welcome to the chat room\nS: *** Choose a nick\n".utf8), to: "wrong.txt")
        let peer = try ChildProcess(
            product: "scripted-peer", arguments: ["--host", "127.0.0.1", "--port", "\(server.port)", path("greeting.txt"), script])
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(1))
        #expect(peer.outputText.contains("""
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
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = try directory.write(Array("S: fine\nS; typo\n".utf8), to: "malformed.txt")
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", "9", path("greeting.txt"), script])
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(2))
        #expect(peer.outputText.isEmpty)
        #expect(peer.errorText.hasPrefix("scripted-peer: \(script):2: unknown step 'S; typo'"))
    }

    @Test func virtualTimeIsRefusedOverTCPWithTheLine() throws {
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", "9", path("idle.txt")])
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(2))
        #expect(peer.errorText.hasPrefix("scripted-peer: \(path("idle.txt")):8: T+ moves the virtual clock of an in-process server"))
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
        let peer = try ChildProcess(product: "scripted-peer", arguments: arguments)
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(2))
        #expect(peer.errorText == message + "\nscripted-peer: try 'scripted-peer --help' for more information\n")
    }

    @Test func helpExitsWithZero() throws {
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--help"])
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(0))
        #expect(peer.outputText.hasPrefix("usage: scripted-peer [--host HOST] --port PORT"))
    }
}
