import Foundation
import TestSupport
import Testing

/// The `scripted-peer` command against a chat server listening on TCP.
@Suite struct ScriptedPeerCLITests {
    private let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    private func path(_ name: String) -> String { transcripts.appendingPathComponent(name).path }

    /// What a run of the scripted-peer binary printed, and how it ended.
    private struct Outcome {
        let status: TestSupport.ExitStatus
        let output: String
        let errors: String
    }

    private func run(_ arguments: [String]) throws -> Outcome {
        let peer = try ChildProcess(product: "scripted-peer", arguments: arguments)
        let status = try peer.waitForExit(within: .seconds(60))
        return Outcome(status: status, output: peer.outputText, errors: peer.errorText)
    }

    /// A fresh folder holding `files` (name and text; a name may hold one
    /// subfolder); the caller removes it.
    private func temporaryFolder(_ files: [(String, String)]) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        for (name, text) in files {
            if let slash = name.firstIndex(of: "/") {
                try FileManager.default.createDirectory(atPath: folder.path + "/" + name[..<slash], withIntermediateDirectories: true)
            }
            try folder.write(Array(text.utf8), to: name)
        }
        return folder
    }

    @Test func theChatTranscriptsPassOverTCP() throws {
        let server = try tcpChatServer()
        let scripts = ["greeting.txt", "conversation.txt", "nicks.txt", "errors.txt"].map(path)
        let outcome = try run(["--port", "\(server.port)", "--chunking", "random:3"] + scripts)
        #expect(outcome.status == .exited(0), "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output.hasSuffix("4 passed, 0 failed, 0 skipped\n"))
        #expect(outcome.output.contains("ok    \(path("greeting.txt")) ("))
    }

    /// The README's own command: the whole folder, the virtual-time script
    /// among them, reported as skipped while every other script runs.
    @Test func theTranscriptFolderRunsWholeWithTheVirtualTimeScriptSkipped() throws {
        let server = try tcpChatServer()
        let outcome = try run(["--port", "\(server.port)", transcripts.path])
        #expect(outcome.status == .exited(0), "\(outcome.output)\(outcome.errors)")
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
        let server = try tcpChatServer()
        let directory = try temporaryFolder([
            ("1-malformed.txt", "S: *** Welcome to the chat room\nS; typo\n"),
            ("2-virtual-time.txt", "S: *** Welcome to the chat room\nT+ 600s\nS=\n"),
            ("3-failing.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick\n"),
            ("4-passing.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick with /nick NAME\nC: /quit\nS: *** Goodbye\nS=\n"),
            ("notes.md", "not a script\n"),
            ("more/5-nested.txt", "S: never run\n"),
        ])
        defer { directory.remove() }
        let folder = directory.path
        let outcome = try run(["--port", "\(server.port)", folder])
        #expect(outcome.status == .exited(1), "\(outcome.output)\(outcome.errors)")
        #expect(outcome.output == """
            FAIL  \(folder)/1-malformed.txt
                  \(folder)/1-malformed.txt:2: unknown step 'S; typo'; steps are C: C< C- C= C+ C^ R- R+ S: S~ S< S* S= S- T: T+, directives start with !, comments with #
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
        let server = try tcpChatServer()
        let directory = try temporaryFolder([
            ("a.txt", "S: *** Welcome to the chat room\nS: *** Choose a nick with /nick NAME\n"),
            ("b.txt", "T+ 1s\n"),
            ("c.txt", "S: *** Welcome\n"),
        ])
        defer { directory.remove() }
        let folder = directory.path
        let outcome = try run(["--quiet", "--port", "\(server.port)", folder])
        #expect(outcome.status == .exited(1))
        #expect(outcome.output.hasPrefix("FAIL  \(folder)/c.txt\n"))
        #expect(outcome.output.hasSuffix("1 passed, 1 failed, 1 skipped\n"))
        #expect(!outcome.output.contains("ok    ") && !outcome.output.contains("skip  "))
    }

    @Test func nothingListeningFailsEachScriptAndExitsWithOne() throws {
        let outcome = try run(["--port", "9", "--deadline", "2s", path("greeting.txt"), path("nicks.txt")])
        #expect(outcome.status == .exited(1))
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
        let outcome = try run(arguments)
        #expect(outcome.status == .exited(2))
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors == message + "\nTry 'scripted-peer --help' for more information.\n")
    }

    @Test func aFolderWithoutScriptsIsBadUsage() throws {
        let directory = try temporaryFolder([("notes.md", "no scripts here\n")])
        defer { directory.remove() }
        let folder = directory.path
        let outcome = try run(["--port", "7008", path("greeting.txt"), folder])
        #expect(outcome.status == .exited(2))
        #expect(outcome.output.isEmpty)
        #expect(outcome.errors.hasPrefix("scripted-peer: no .txt scripts in the folder \(folder)\n"))
    }

    @Test func helpExitsWithZero() throws {
        let outcome = try run(["--help"])
        #expect(outcome.status == .exited(0))
        #expect(outcome.output.hasPrefix("usage: scripted-peer [--host HOST] --port PORT"))
    }
}
