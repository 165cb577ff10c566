import ProtocolTesting
import Testing

/// The failure report is the product: these pin its exact text.
@Suite struct FailureReportTests {
    private func failure(
        _ transcript: String, against server: ServerUnderTest, chunking: ChunkingPlan = .whole
    ) throws -> DialogueFailure? {
        let dialogue = try Dialogue(transcript: transcript, name: "t.txt")
        return #expect(throws: DialogueFailure.self) { try dialogue.run(against: server, chunking: chunking) }
    }

    @Test func aWrongLineShowsTheTranscriptTheDifferenceAndTheUnusedSteps() throws {
        let report = try failure("""
            C: hello
            S: echo: hello
            C: 250 OK
            S: echo: 250 0K
            C: QUIT
            S: bye
            S=
            """, against: LineEcho.server())
        #expect(report?.kind == .unexpectedOutput)
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:4 (chunking: whole)
            transcript so far:
              C: hello
              S: echo: hello
              C: 250 OK
            expected: S: echo: 250 0K
            received: S: echo: 250 OK
                                   ^ first difference
            steps not reached:
              t.txt:5  C: QUIT
              t.txt:6  S: bye
              t.txt:7  S=
            """)
    }

    @Test func aServerThatNeverAnswersFailsByTheDeadline() throws {
        let report = try failure("!deadline 200ms\nC: hello\nS: hello yourself\n", against: Unresponsive.server())
        #expect(report?.kind == .deadlineExceeded)
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:3 (chunking: whole)
            transcript so far:
              C: hello
            expected: S: hello yourself
            received: nothing within 200ms
            """)
    }

    /// The line S* waited for may have arrived slightly wrong: the report
    /// shows every line it passed over.
    @Test func aSkipThatNeverMatchesShowsTheLinesItSkipped() throws {
        let report = try failure("!deadline 100ms\nS: 220 ready\nS* ^250 .*\nS: after\n", against: Announcer.server("220 ready\r\n250-a\r\n25O b\r\n"))
        #expect(report?.kind == .deadlineExceeded)
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:3 (chunking: whole)
            transcript so far:
              S: 220 ready
              S: 250-a   (skipped by S*)
              S: 25O b   (skipped by S*)
            expected: S* ^250 .*
            received: nothing within 100ms (after skipping 2 lines)
            steps not reached:
              t.txt:4  S: after
            """)
    }

    @Test func aSkipThatMatchesKeepsTheSkippedLinesInTheTranscript() throws {
        let report = try failure("S* ^250 .*\nS: after\n", against: Announcer.server("250-a\r\n250 b\r\nlater\r\n"))
        #expect(report?.transcript == ["S: 250-a   (skipped by S*)", "S: 250 b"])
        #expect(report?.received == "S: later")
    }

    @Test func aLineWithoutItsEndingIsShownAsItArrived() throws {
        let report = try failure("!deadline 100ms\nS: 250 OK\n", against: Announcer.server("250 O"))
        #expect(report?.received == "\"250 O\" with no line ending within 100ms")
    }

    @Test func aCloseInsteadOfALineSaysSo() throws {
        let report = try failure("S: bye\nS: more\n", against: Announcer.server("bye\r\n", thenClose: true))
        #expect(report?.kind == .connectionEnded)
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:2 (chunking: whole)
            transcript so far:
              S: bye
            expected: S: more
            received: connection closed by the server
            """)
    }

    @Test func aBareLFIsCaughtUnderCRLF() throws {
        let report = try failure("S: hello\n", against: Announcer.server("hello\n"))
        #expect(report?.received == "S: hello   (ended by a bare LF, not CRLF)")
        try Dialogue(transcript: "!line-ending lf\nS: hello\n", name: "lf.txt").run(against: Announcer.server("hello\n"))
    }

    @Test func bytesThatAreNotPrintableUTF8AreShownEscaped() throws {
        let report = try failure("S: café\n", against: Announcer.server([99, 97, 102, 0xC3, 13, 10]))
        #expect(report?.received == "S: caf\\xc3   (shown escaped: not printable UTF-8)")
    }

    @Test func outputNoStepConsumedFailsAfterTheLastStep() throws {
        let report = try failure("S: one\n", against: Announcer.server("one\r\ntwo\r\n"))
        #expect(report?.kind == .unexpectedOutput)
        #expect(report?.description == """
            dialogue "t.txt" failed after its last step (chunking: whole)
            transcript so far:
              S: one
            expected: nothing more for the client (the dialogue has ended)
            received: S: two
            """)
    }

    @Test func aCloseNoStepExpectedFailsAfterTheLastStep() throws {
        let report = try failure("S: bye\n", against: Announcer.server("bye\r\n", thenClose: true))
        #expect(report?.kind == .connectionEnded)
        #expect(report?.received == "connection closed by the server, which no S= step expects")
    }

    @Test func anExpectedCloseThatBringsMoreOutputShowsIt() throws {
        let report = try failure("S: bye\nS=\n", against: Announcer.server("bye\r\nPS: one more\r\n", thenClose: true))
        #expect(report?.expected == "S=")
        #expect(report?.received == "S: PS: one more")
    }

    @Test func anOpenConnectionFailsAnExpectedClose() throws {
        let report = try failure("!deadline 100ms\nS=\n", against: Unresponsive.server())
        #expect(report?.received == "nothing within 100ms; the connection is still open")
    }

    @Test func brokenSilenceShowsWhatArrived() throws {
        let report = try failure("@bob S- 100ms\n", against: Announcer.server("surprise\r\n"))
        #expect(report?.expected == "@bob S- 100ms")
        #expect(report?.received == "@bob S: surprise")
    }

    @Test func anyOrderFailuresListTheLinesStillMissing() throws {
        let report = try failure("{\nS: b\nS~ a+\nS: c\n}\n", against: Announcer.server("aaa\r\nd\r\n"))
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:1 (chunking: whole)
            transcript so far:
              S: aaa   (any order)
            expected: these lines in any order:
                        S: b
                        S: c
            received: S: d
            """)
    }

    @Test func rawExpectationsShowTheBytes() throws {
        let report = try failure("S< \\x00\\x01\\x02\n", against: Announcer.server([0, 1, 9]))
        #expect(report?.expected == "S< \\x00\\x01\\x02")
        #expect(report?.received == "S< \\x00\\x01\\t")
    }

    @Test func aSplitFailureTellsHowToRerunThatCaseAlone() throws {
        let report = try failure("C: hello\nS: got: hello\n", against: ReadPerLine.server, chunking: .only(.whole, .split(at: 2)))
        #expect(report?.chunking == .split(at: 2))
        #expect(report?.description == """
            dialogue "t.txt" failed at t.txt:2 (chunking: split before byte 2)
            transcript so far:
              C: hello
            expected: S: got: hello
            received: S: got: he
                                ^ first difference
            rerun this case alone with chunking: .only(.split(at: 2)) (scripted-peer: --chunking split:2)
            """)
    }

    @Test func theServerLogIsPartOfTheReport() throws {
        let report = try failure("C: boom\nS: ok\n", against: Exploder.server)
        #expect(report?.kind == .connectionEnded)
        #expect(report?.serverLog.count == 1)
        #expect(report?.serverLog.first?.hasPrefix("error: uncaptured error, closing channel <Exploder fd ") == true)
        #expect(report?.serverLog.first?.hasSuffix(": boom") == true)
        #expect(report?.description.contains("\nserver log:\n  error: uncaptured error") == true)
    }

    @Test func aThrowingFactoryIsAServerFailure() throws {
        struct Refused: Error {}
        let report = try failure("S: hi\n", against: .inProcess { _, _ in throw Refused() })
        #expect(report?.kind == .serverFailed)
        #expect(report?.received == "the connection factory threw: Refused()")
    }

    @Test func longListsOfUnusedStepsAreCut() throws {
        let steps = (1...20).map { "C: line \($0)\nS: echo: line \($0)" }.joined(separator: "\n")
        let report = try failure("C: first\nS: wrong\n" + steps, against: LineEcho.server())
        let lines = report?.description.split(separator: "\n").map(String.init) ?? []
        #expect(lines.suffix(3) == ["  t.txt:13  C: line 6", "  t.txt:14  S: echo: line 6", "  ... and 28 more"])
    }

    @Test func contradictoryStepsBuiltInSwiftFailAsInvalid() {
        let client = Client()
        let start = #line
        let dialogue = Dialogue("invalid") {
            client.shutdownOutput()
            client.send("too late")
        }
        let report = #expect(throws: DialogueFailure.self) { try dialogue.run(against: LineEcho.server()) }
        #expect(report?.kind == .invalidDialogue)
        #expect(report?.description == """
            dialogue "invalid" failed at ProtocolTestingTests/FailureReportTests.swift:\(start + 3)
            problem:  the client shut down its output at ProtocolTestingTests/FailureReportTests.swift:\(start + 2) (C-) and cannot send
            """)
    }
}
