import ProtocolTesting
import Testing

@Test func echoDialoguePasses() throws {
    let dialogue = try Dialogue(transcript: """
        C: hello
        S: echo: hello
        C: QUIT
        S: bye
        S=
        """, name: "echo.txt")
    let report = try dialogue.run(against: LineEcho.server(), chunking: .all())
    #expect(report.runs > 10)
}

@Test func echoDialogueFails() throws {
    let dialogue = try Dialogue(transcript: """
        C: hello
        S: echo: hallo
        C: QUIT
        S: bye
        S=
        """, name: "echo.txt")
    let failure = #expect(throws: DialogueFailure.self) { try dialogue.run(against: LineEcho.server()) }
    print(failure!.description)
}
