import Foundation
import Glibc
import TestSupport
import Testing

/// The rules every program follows: durations, usage errors, `--help`.
@Suite(.serialized) struct CommandLineRuleTests {
    /// Each program's duration flag, with what else it needs to get past
    /// its flags, and whether `none` turns the timeout off.
    struct DurationFlag: Sendable, CustomStringConvertible {
        let program: String
        let flag: String
        let acceptsNone: Bool
        /// Arguments that make the program run (and stop on its own) once its flags are good.
        let otherArguments: [String]

        var description: String { "\(program) \(flag)" }
    }

    static let durationFlags = [
        DurationFlag(program: "chat-server", flag: "--idle-timeout", acceptsNone: true, otherArguments: ["--port", "0"]),
        DurationFlag(program: "smtp-server", flag: "--timeout", acceptsNone: true, otherArguments: ["--port", "0"]),
        DurationFlag(program: "http-client", flag: "--timeout", acceptsNone: true, otherArguments: ["http://127.0.0.1:1/"]),
        DurationFlag(program: "scripted-peer", flag: "--deadline", acceptsNone: false, otherArguments: ["--port", "1", greeting]),
    ]

    /// A script that connects at once, so a run against port 1 fails.
    static let greeting = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ChatTests/Transcripts/greeting.txt").standardized.path

    static let programs = ["echo-server", "echo-client", "chat-server", "smtp-server", "http-client", "scripted-peer"]

    @Test(arguments: durationFlags, ["0", "0s", "300", "-5s", "5 s", "soon"])
    func zeroBareNumbersAndGarbageAreRefusedAlike(flag: DurationFlag, value: String) throws {
        let process = try ChildProcess(product: flag.program, arguments: [flag.flag, value] + flag.otherArguments)
        #expect(try process.waitForExit() == .exited(2))
        #expect(process.output.isEmpty)
        let choices = flag.acceptsNone ? "250ms, 1.5s, 300s or 5m, or none;" : "250ms, 1.5s, 300s or 5m,"
        let hint = value == "300" ? " (a number needs its unit: 300s)" : ""
        #expect(process.errorText == """
            \(flag.program): \(flag.flag) needs a positive duration such as \(choices) not '\(value)'\(hint)
            Try '\(flag.program) --help' for more information.

            """)
    }

    @Test(arguments: durationFlags, ["250ms", "1.5s", "5m", "1h", "none"])
    func theSameSpellingsAreAccepted(flag: DurationFlag, value: String) throws {
        let process = try ChildProcess(
            product: flag.program, arguments: [flag.flag, value] + flag.otherArguments, blockedSignals: [SIGTERM, SIGINT])
        guard flag.otherArguments.first == "--port", flag.otherArguments.last == "0" else {
            // The clients run and fail to connect: status 1, not a usage error.
            #expect(try process.waitForExit() == .exited(value == "none" && !flag.acceptsNone ? 2 : 1), "\(process.errorText)")
            return
        }
        #expect(try process.readLine()?.hasPrefix("listening on 127.0.0.1:") == true, "\(process.errorText)")
        process.send(signal: SIGTERM)
        #expect(try process.waitForExit() == .exited(0))
    }

    /// Logs write durations as the flags read them.
    @Test(arguments: [("250ms", "250ms"), ("1.5s", "1.5s"), ("0.25s", "250ms"), ("5m", "300s"), ("none", "none")])
    func theChatServerLogsItsIdleTimeoutInTheSameSpelling(value: String, logged: String) throws {
        let server = try ServerProcess("chat-server", ["--idle-timeout", value])
        #expect(try server.stop() == .exited(0))
        #expect(server.process.errorText.contains(", idle timeout \(logged)\n"))
    }

    @Test(.enabled(if: LocalPeer.hasIPv6Loopback, "no IPv6 loopback on this machine"), arguments: ["[::1]", "::1"])
    func theClientsTakeTheIPv6LoopbackWrittenEitherWay(host: String) throws {
        let server = try ServerProcess("echo-server", ["--host", "::1"])
        let client = try ChildProcess(product: "echo-client", arguments: ["--host", host, "--port", String(server.port)], input: .bytes(Array("hi\n".utf8)))
        #expect(try client.waitForExit() == .exited(0))
        #expect(String(decoding: client.output, as: UTF8.self) == "hi\n")
        #expect(client.errorText.hasPrefix("echo-client: connected to [::1]:\(server.port)\n"))

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = try directory.write(Array("C: over v6\nS: over v6\n".utf8), to: "v6.txt")
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--host", host, "--port", String(server.port), script])
        #expect(try peer.waitForExit() == .exited(0), "\(String(decoding: peer.output, as: UTF8.self))")
        #expect(try server.stop() == .exited(0))
    }

    @Test(arguments: programs)
    func anUnknownFlagIsStatus2WithAHintToHelp(program: String) throws {
        let process = try ChildProcess(product: program, arguments: ["--bogus"])
        #expect(try process.waitForExit() == .exited(2))
        #expect(process.output.isEmpty)
        #expect(process.errorText == "\(program): unknown flag --bogus\nTry '\(program) --help' for more information.\n")
    }

    @Test(arguments: programs)
    func helpIsStatus0AndStatesTheExitStatuses(program: String) throws {
        let process = try ChildProcess(product: program, arguments: ["--help"])
        #expect(try process.waitForExit() == .exited(0))
        // Lines are wrapped anywhere: compare the words.
        let help = String(decoding: process.output, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.hasPrefix("usage: \(program) "))
        #expect(help.contains("Exit status: 0 "))
        #expect(help.contains("2 for a bad command line"))
        #expect(help.contains("-q, --quiet"))
        #expect(process.errorText.isEmpty)
    }
}
