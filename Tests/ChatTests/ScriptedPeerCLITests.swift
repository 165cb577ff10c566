import Foundation
import TestSupport
import Testing

/// The `scripted-peer` command against a chat server listening on TCP.
@Suite struct ScriptedPeerCLITests {
    private let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    private func path(_ name: String) -> String { transcripts.appendingPathComponent(name).path }

    /// A fresh folder holding `files` (name and text); removed by the caller.
    private func temporaryFolder(_ files: [(String, String)]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scripted-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            let file = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder.path
    }

    @Test func theChatTranscriptsPassOverTCP() throws {
        let server = try TCPChatServer()
        let scripts = ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"].map(path)
        let outcome = try ScriptedPeerProcess.run(["--port", "\(server.port)", "--chunking", "random:3"] + scripts)
        #expect(outcome.status == 0, "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output.hasSuffix("4 passed, 0 failed, 0 skipped\n"))
        #expect(outcome.output.contains("ok    \(path("greeting.txt")) ("))
    }

    /// The README's own command: the whole folder, the virtual-time script
    /// among them, reported as skipped while every other script runs.
    @Test func theTranscriptFolderRunsWholeWithTheVirtualTimeScriptSkipped() throws {
        let server = try TCPChatServer()
        let outcome = try ScriptedPeerProcess.run(["--port", "\(server.port)", transcripts.path])
        #expect(outcome.status == 0, "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output == """
            ok    \(path("conversation.txt")) (1 run)
            ok    \(path("errors.txt")) (1 run)
            ok    \(path("greeting.txt")) (1 run)
            skip  \(path("idle.txt")):8: uses virtual time (T+), which needs an in-process server; the server at 127.0.0.1:\(server.port) keeps its own time
            ok    \(path("nicks.txt")) (1 run)
            4 passed, 0 failed, 1 skipped

            """)
        #expect(outcome.errors.isEmpty)
    }

    /// Every script of a folder runs, in name order, whatever the ones
    /// before it did; files without .txt and subfolders are left alone.
    @Test func aFolderMixingPassingFailingMalformedAndVirtualTimeScriptsRunsEveryOne() throws {
        let server = try TCPChatServer()
        let folder = try temporaryFolder([
            ("1-malformed.txt", "S: *** Welcome to the chat room\nS; typo\n"),
            ("2-virtual-time.txt", "S: *** Welcome to the chat room\nT+ 600s\nS=\n"),
            ("3-failing.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick\n"),
            ("4-passing.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick with /nick NAME\nC: /quit\nS: *** Goodbye\nS=\n"),
            ("notes.md", "not a script\n"),
            ("more/5-nested.txt", "S: never run\n"),
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try ScriptedPeerProcess.run(["--port", "\(server.port)", folder])
        #expect(outcome.status == 1, "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output == """
            FAIL  \(folder)/1-malformed.txt
                  \(folder)/1-malformed.txt:2: unknown step 'S; typo'; steps are C: C< C- C= C+ R- R+ S: S~ S< S* S= S- T: T+, directives start with !, comments with #
            skip  \(folder)/2-virtual-time.txt:2: uses virtual time (T+), which needs an in-process server; the server at 127.0.0.1:\(server.port) keeps its own time
            FAIL  \(folder)/3-failing.txt
                  dialogue "\(folder)/3-failing.txt" failed at \(folder)/3-failing.txt:2 (chunking: whole)
                  transcript so far:
                    S: *** Welcome to the chat room
                  expected: S: *** Choose a nick
                  received: S: *** Choose a nick with /nick NAME
                                                ^ first difference
            ok    \(folder)/4-passing.txt (1 run)
            1 passed, 2 failed, 1 skipped

            """)
        #expect(outcome.errors == "scripted-peer: 2 scripts failed\n")
    }

    @Test func quietPrintsFailuresAndTheSummaryOnly() throws {
        let server = try TCPChatServer()
        let folder = try temporaryFolder([
            ("a.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick with /nick NAME\n"),
            ("b.txt", "T+ 1s\n"),
            ("c.txt", "S: *** Welcome\n"),
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try ScriptedPeerProcess.run(["--quiet", "--port", "\(server.port)", folder])
        #expect(outcome.status == 1)
        #expect(outcome.output.hasPrefix("FAIL  \(folder)/c.txt\n"))
        #expect(outcome.output.hasSuffix("1 passed, 1 failed, 1 skipped\n"))
        #expect(!outcome.output.contains("ok    ") && !outcome.output.contains("skip  "))
    }

    @Test func nothingListeningFailsEachScriptAndExitsWithOne() throws {
        let outcome = try ScriptedPeerProcess.run(["--port", "9", "--deadline", "2s", path("greeting.txt"), path("nicks.txt")])
        #expect(outcome.status == 1)
        #expect(outcome.output.hasSuffix("0 passed, 2 failed, 0 skipped\n"))
        #expect(outcome.output.contains("connect failed: Connection refused (ECONNREFUSED)"))
    }

    @Test(arguments: [
        (["greeting.txt"], "scripted-peer: --port is required"),
        (["--port", "7008"], "scripted-peer: give at least one transcript file or folder"),
        (["--port", "x", "a.txt"], "scripted-peer: --port needs a whole number from 1 to 65535, not 'x'"),
        (["--port", "7008", "--chunking", "halves", "a.txt"], "scripted-peer: --chunking takes whole, bytes, all, split:N or random:SEED, not 'halves'"),
        (["--port", "7008", "--deadline", "soon", "a.txt"], "scripted-peer: --deadline needs a positive duration such as 250ms, 1.5s, 300s or 5m, not 'soon'"),
        (["--port", "7008", "--deadline", "0s", "a.txt"], "scripted-peer: --deadline needs a positive duration such as 250ms, 1.5s, 300s or 5m, not '0s'"),
        (["--port", "7008", "--host", "[localhost]", "a.txt"], "scripted-peer: --host takes brackets only around an IPv6 address, as in [::1]; not '[localhost]'"),
        (["--port", "7008", "--verbose", "a.txt"], "scripted-peer: unknown flag --verbose"),
        (["--port", "7008", "/no/such/script.txt"], "scripted-peer: no such file or folder: /no/such/script.txt"),
    ])
    func badUsageExitsWithTwoBeforeAnythingRuns(arguments: [String], message: String) throws {
        let outcome = try ScriptedPeerProcess.run(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors == message + "\nTry 'scripted-peer --help' for more information.\n")
    }

    @Test func aFolderWithoutScriptsIsBadUsage() throws {
        let folder = try temporaryFolder([("notes.md", "no scripts here\n")])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try ScriptedPeerProcess.run(["--port", "7008", path("greeting.txt"), folder])
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors.hasPrefix("scripted-peer: no .txt scripts in the folder \(folder)\n"))
    }

    @Test func helpExitsWithZero() throws {
        let outcome = try ScriptedPeerProcess.run(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("usage: scripted-peer [--host HOST] --port PORT"))
    }
}
