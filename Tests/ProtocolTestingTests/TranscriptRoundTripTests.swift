import ProtocolTesting
import Testing

/// A dialogue read from a transcript renders (`Dialogue.transcript`) as text
/// that reads back as the same dialogue. Cases found by the transcript
/// fuzzer (Tests/Fuzz/transcript/corpus/crash-*).
@Suite struct TranscriptRoundTripTests {
    func expectRoundTrip(_ text: String, renders expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dialogue = try Dialogue(transcript: text, name: "t")
        #expect(dialogue.transcript == expected, sourceLocation: sourceLocation)
        let again = try Dialogue(transcript: dialogue.transcript, name: "again")
        #expect(again.transcript == expected, sourceLocation: sourceLocation)
    }

    /// "spaces\r\r\n" was the argument "spaces\r", written back as
    /// "spaces\r\n", which reads as "spaces".
    @Test func carriageReturnsBeforeTheLineEndBelongToIt() throws {
        try expectRoundTrip("C:  two spaces\r\r\nS: ok \r\r\r\nC: last\r", renders: "C:  two spaces\nS: ok \nC: last\n")
        try expectRoundTrip("C: a\rb\nS: \r\n", renders: "C: a\rb\nS: \n")
    }
}
