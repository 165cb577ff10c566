import ProtocolTesting
import Testing

@Suite struct TranscriptFormatTests {
    @Test func everyStepKindReadsBackAsWritten() throws {
        let text = """
            C: EHLO client.example
            C< raw\\r\\n\\x00\\xff\\t\\\\
            C-
            @alice C+
            @alice R-
            @alice R+
            S: 250-localhost
            S~ ^250 .*$
            S< \\x00\\r\\n
            S* ^221 .*
            { 
            @bob S: one
            @bob S~ tw.
            }
            @bob S-  200ms
            T: 50ms
            T+ 300s
            !deadline 1.5s
            !line-ending lf
            !chunking bytes
            @alice S=
            @bob S*
            C=
            """
        let dialogue = try Dialogue(transcript: text, name: "all.txt")
        #expect(dialogue.transcript == """
            C: EHLO client.example
            C< raw\\r\\n\\x00\\xff\\t\\\\
            C-
            @alice C+
            @alice R-
            @alice R+
            S: 250-localhost
            S~ ^250 .*$
            S< \\x00\\r\\n
            S* ^221 .*
            {
            @bob S: one
            @bob S~ tw.
            }
            @bob S- 200ms
            T: 50ms
            T+ 300s
            !deadline 1.5s
            !line-ending lf
            !chunking bytes
            @alice S=
            @bob S*
            C=

            """)
        #expect(dialogue.steps.map(\.location.line) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17, 18, 19, 20, 21, 22, 23])
    }

    @Test func commentsBlankLinesIndentationAndCRLFFilesAreAccepted() throws {
        let dialogue = try Dialogue(transcript: "# greeting\r\n\r\n   S: hello \r\n\t# indented comment\r\nS:\r\n", name: "crlf.txt")
        #expect(dialogue.transcript == "S: hello \nS: \n")
    }

    @Test func textAfterTheTokenIsTakenVerbatim() throws {
        let dialogue = try Dialogue(transcript: "C:  two leading spaces\nS: # not a comment\n", name: "t")
        #expect(dialogue.transcript == "C:  two leading spaces\nS: # not a comment\n")
    }

    @Test(arguments: [
        ("S: ok\nQ: what", "t:2: unknown step 'Q: what'; steps are C: C< C- C= C+ C^ R- R+ S: S~ S< S* S= S- T: T+, directives start with !, comments with #"),
        ("C< \\q", "t:1: unknown escape \\q at column 1 of the bytes; use \\r, \\n, \\t, \\\\ or \\xHH"),
        ("C< ab\\x4", "t:1: \\x at column 3 of the bytes needs two hex digits"),
        ("C<", "t:1: C< needs the bytes to send or expect"),
        ("S- soon", "t:1: S- needs a duration such as 250ms, 5s, 1.5s, 2m or 1h, not 'soon'"),
        ("T+", "t:1: T+ needs a duration such as 250ms, 5s, 1.5s, 2m or 1h"),
        ("!deadlines 2s", "t:1: unknown directive !deadlines; directives are !deadline, !line-ending and !chunking"),
        ("!line-ending cr", "t:1: write !line-ending crlf or !line-ending lf"),
        ("!deadline 0s", "t:1: the deadline must be longer than zero"),
        ("S: a\n{\nS: b\n", "t:2: the { group opened here is never closed with }"),
        ("}", "t:1: } without an open { group"),
        ("{\n}", "t:2: the { group opened at line 1 is empty"),
        ("{\n{", "t:2: a { group is already open (since line 1); groups do not nest"),
        ("{\nC: x\n}", "t:2: a { } group holds only S: and S~ lines (group opened at line 1)"),
        ("{\n@a S: x\n@b S: y\n}", "t:3: all lines of a { } group belong to one client (@a, here @b)"),
        ("S:x", "t:1: put one space between S: and its text"),
        ("S= now", "t:1: S= takes no argument"),
        ("@bob T+ 1s", "t:1: T+ is not a client's step: remove @bob"),
        ("@ S: x", "t:1: '@' is not a client name: use letters, digits, '_', '.' and '-'"),
        ("@bob", "t:1: put a space between @bob and its step"),
        ("C-\n\nC: late", "t:3: the client shut down its output at t:1 (C-) and cannot send"),
        ("@bob R-\n@bob S: x", "t:2: @bob stopped reading at t:1 (R-); resume with R+ before expecting output"),
        ("S=\nS: more", "t:2: the client's connection ended at t:1 (S=); connect again with C+ first"),
        ("@a C=\n@a C: x", "t:2: @a's connection ended at t:1 (C=); connect again with C+ first"),
        ("C+\nC+", "t:2: the client is already connected"),
        ("R+", "t:1: the client is reading already; R+ only follows R-"),
    ])
    func malformedTranscriptsNameTheLine(text: String, message: String) {
        let error = #expect(throws: TranscriptError.self) { try Dialogue(transcript: text, name: "t") }
        #expect(error?.description == message)
    }

    @Test func anInvalidRegularExpressionIsReportedWithItsLine() {
        let error = #expect(throws: TranscriptError.self) { try Dialogue(transcript: "S: fine\nS~ (unclosed", name: "re.txt") }
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("re.txt:2: invalid regular expression: ") == true)
    }

    @Test func aMissingFileIsReportedWithoutALine() {
        let error = #expect(throws: TranscriptError.self) {
            try Dialogue(contentsOfFile: "Transcripts/no-such-file.txt", relativeTo: #filePath)
        }
        #expect(error?.description == "Transcripts/no-such-file.txt: cannot read: No such file or directory (ENOENT)")
    }

    @Test func aTranscriptFileIsFoundNextToTheTestSource() throws {
        let dialogue = try Dialogue(contentsOfFile: "Transcripts/line-echo.txt", relativeTo: #filePath)
        #expect(dialogue.name == "Transcripts/line-echo.txt")
        try dialogue.run(against: LineEcho.server(), chunking: .all())
    }

    @Test func stepsBuiltInSwiftPrintAsTranscriptLines() {
        let alice = Client("alice")
        let dialogue = Dialogue("swift") {
            alice.send("hi")
            alice.send(bytes: [0, 255])
            alice.expect("echo: hi")
            alice.expect(matching: /echo: .*/, shownAs: "echo: .*")
            alice.expect(matching: "^a+$")
            alice.expectLines(inAnyOrder: ["x", .matching("y+")])
            alice.skipLines(until: "221 Bye")
            DialogueStep.advanceClock(by: .milliseconds(1500))
            alice.expectSilence(for: .milliseconds(20))
        }
        #expect(dialogue.transcript == """
            @alice C: hi
            @alice C< \\x00\\xff
            @alice S: echo: hi
            @alice S~ echo: .*
            @alice S~ ^a+$
            {
            @alice S: x
            @alice S~ y+
            }
            @alice S* \\Q221 Bye\\E
            T+ 1.5s
            @alice S- 20ms

            """)
    }
}
