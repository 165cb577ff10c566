import Glibc
import TestSupport
import Testing

/// ``ChildProcess`` with real programs: output, input, signals, exit
/// statuses, and waits that run out instead of hanging.
@Suite struct ChildProcessTests {
    @Test func readsTheAnnouncedLineThenCollectsTheRestAndTheExitStatus() throws {
        let child = try ChildProcess(
            path: "/bin/sh", arguments: ["-c", "echo starting; echo listening on 127.0.0.1:7; echo oops >&2; printf 'last'; exit 3"])
        #expect(try child.waitForLine(containing: "listening on ") == "listening on 127.0.0.1:7")
        #expect(try child.waitForExit() == .exited(3))
        #expect(child.outputText == "last")
        #expect(child.errorText == "oops\n")
    }

    @Test func readLineIsNilAtTheEndOfOutputAndLeavesAnUnfinishedLine() throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "printf 'one\\ntwo'"])
        #expect(try child.readLine() == "one")
        #expect(try child.readLine() == nil)
        #expect(child.outputText == "two")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func waitForLineThrowsWhenTheOutputEndsFirst() throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "echo nothing here; echo 'it failed' >&2"])
        let error = try #require(throws: ChildProcessError.self) { try child.waitForLine(containing: "listening") }
        #expect(error.description == #"sh: its output ended before a line containing "listening"; its standard error ends: "it failed\n""#)
    }

    /// More input than the socket buffers hold, echoed back while it is
    /// written: neither side may wait for the other.
    @Test func inputOfAnySizeIsWrittenWhileTheOutputIsCollected() throws {
        let input = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
        let child = try ChildProcess(path: "/bin/cat", input: .bytes(input))
        #expect(try child.waitForExit() == .exited(0))
        #expect(child.output == input)
    }

    @Test func openInputIsWrittenLineByLineAndThenClosed() throws {
        let child = try ChildProcess(path: "/bin/cat", input: .open)
        try child.write(Array("one\n".utf8))
        #expect(try child.readLine() == "one")
        try child.write(Array("two\n".utf8))
        #expect(try child.readLine() == "two")
        child.closeInput()
        #expect(try child.waitForExit() == .exited(0))
        #expect(throws: SystemCallFailure.self) { try child.write(Array("three\n".utf8)) }
    }

    @Test func standardErrorIsWatchedForATextAsItArrives() throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "echo one >&2; read line; echo \"two $line\" >&2"], input: .open)
        #expect(try child.errorOutputContains("one\n"))
        #expect(try !child.errorOutputContains("two", within: .milliseconds(50)))
        try child.write(Array("three\n".utf8))
        #expect(try child.errorOutputContains("two three\n"))
        #expect(try child.waitForExit() == .exited(0))
        #expect(try !child.errorOutputContains("four"))
    }

    @Test func emptyInputIsAtItsEndAtOnce() throws {
        let child = try ChildProcess(path: "/bin/cat")
        #expect(try child.waitForExit() == .exited(0))
        #expect(child.output.isEmpty)
    }

    @Test func aSignalEndsTheChildAndTheStatusSaysWhich() throws {
        let child = try ChildProcess(path: "/bin/cat", input: .open)
        #expect(child.isRunning)
        child.send(signal: SIGTERM)
        let status = try child.waitForExit()
        #expect(status == .killed(SIGTERM))
        #expect(status.description == "killed by signal \(SIGTERM) (Terminated)")
        #expect(!child.isRunning)
    }

    @Test func theEnvironmentIsOnlyWhatTheTestGivesAndNoBacktraces() throws {
        let child = try ChildProcess(path: "/usr/bin/env", environment: ["GREETING=hello"])
        #expect(try child.waitForExit() == .exited(0))
        let sanitizerSettings = ChildProcess.inheritedEnvironment(ChildProcess.sanitizerVariables)
        #expect(child.outputText == (["GREETING=hello", "SWIFT_BACKTRACE=enable=no"] + sanitizerSettings).map { $0 + "\n" }.joined())
    }

    @Test func theTestsSanitizerSettingsReachTheChildUnlessTheTestSetsThem() throws {
        let child = try ChildProcess(path: "/usr/bin/env", environment: ["TSAN_OPTIONS=halt_on_error=0"])
        #expect(try child.waitForExit() == .exited(0))
        let lines = child.outputText.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("TSAN_OPTIONS=") } == ["TSAN_OPTIONS=halt_on_error=0"])
        for setting in ChildProcess.inheritedEnvironment(ChildProcess.sanitizerVariables) where !setting.hasPrefix("TSAN_OPTIONS=") {
            #expect(lines.contains(Substring(setting)))
        }
    }

    @Test func aReadThatRunsOutThrowsNamingTheProgramAndWhatItWaitedFor() throws {
        let child = try ChildProcess(path: "/bin/cat", input: .open)
        let error = try #require(throws: ChildProcessError.self) { try child.readLine(within: .milliseconds(50)) }
        #expect(error.description.hasPrefix("cat: a line of output did not happen within 0.05 seconds"))
        #expect(child.isRunning)
    }

    /// A child that closes its output but lives on cannot hang the wait.
    @Test func waitForExitRunsOutOnAChildThatClosedItsOutputAndLivesOn() throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "exec >&- 2>&-; read line"], input: .open)
        let error = try #require(throws: ChildProcessError.self) { try child.waitForExit(within: .milliseconds(200)) }
        #expect(error.description.hasPrefix("sh: exiting did not happen within 0.2 seconds"))
        #expect(child.isRunning)
    }

    @Test func aChildStillRunningIsKilledAndReapedWhenTheObjectGoesAway() throws {
        var child: ChildProcess? = try ChildProcess(path: "/bin/cat", input: .open)
        let pid = try #require(child?.pid)
        #expect(kill(pid, 0) == 0)
        child = nil
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) is still there (running or a zombie)")
    }

    @Test func aProgramThatCannotStartIsASystemCallFailure() throws {
        let error = try #require(throws: SystemCallFailure.self) { try ChildProcess(path: "/nonexistent/program") }
        #expect(error.errno == ENOENT)
        #expect(error.description == "posix_spawn /nonexistent/program failed: No such file or directory (errno 2)")
    }

    @Test func aMissingProductIsNamedWithThePathLookedAt() throws {
        let error = try #require(throws: BuiltProductNotFound.self) { try ChildProcess(product: "no-such-product") }
        let directory = try BuiltProduct.directory()
        #expect(error.path == directory + "/no-such-product")
        #expect(error.description.hasPrefix("no executable product 'no-such-product' at \(directory)/no-such-product: No such file or directory"))
    }

    @Test func processStatusReadsTheChildsProcFiles() throws {
        let child = try ChildProcess(path: "/bin/cat", input: .open)
        // Once cat echoes a line it runs: before its exec, the spawned child
        // may still hold more descriptors than the three it keeps.
        try child.write(Array("ready\n".utf8))
        #expect(try child.readLine() == "ready")
        let memory = try child.status.residentMemory()
        #expect(memory.current > 0 && memory.peak >= memory.current)
        #expect(try child.status.openDescriptorCount() == 3)
        #expect(try child.status.cpuTime() >= .zero)
    }
}
