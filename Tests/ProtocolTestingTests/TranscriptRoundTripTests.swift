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

    /// A duration below the millisecond was written in µs, which no step
    /// reads; and durations went through Double, which is not exact to the
    /// nanosecond for long ones.
    @Test func durationsReadBackToTheNanosecond() throws {
        try expectRoundTrip(
            "T: 0.0005s\nS- 0.5ms\n!deadline 1.000000001s\nT+ 123456789.123456789s\nT: 0.0000000015s\n",
            renders: "T: 0.0005s\nS- 0.0005s\n!deadline 1.000000001s\nT+ 123456789.123456789s\nT: 0.000000002s\n")
        try expectRoundTrip("T: 1.5s\nT: 250ms\nT: 2m\nT+ 1h\nS- .25s\nS- 7.s\n", renders: "T: 1.5s\nT: 250ms\nT: 120s\nT+ 3600s\nS- 250ms\nS- 7s\n")
    }
}
