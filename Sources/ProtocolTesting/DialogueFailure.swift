/// Why a dialogue failed, with a report that reads as a diff: what happened
/// so far, the step that failed, what arrived instead, and the steps never
/// reached.
///
/// Its ``description`` is the whole report, so a test framework that prints
/// a thrown error shows it as is:
/// ```
/// dialogue "smtp-helo.txt" failed at smtp-helo.txt:4 (chunking: whole)
/// transcript so far:
///   S: 220 localhost ESMTP
///   C: HELO client.example
/// expected: S: 250 localhost
/// received: S: 503 Error: bad sequence of commands
/// steps not reached:
///   smtp-helo.txt:5  C: QUIT
///   smtp-helo.txt:6  S: 221 Bye
///   smtp-helo.txt:7  S=
/// ```
public struct DialogueFailure: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// Something arrived that the step did not accept, or output no step
        /// consumed (also during an expected silence, or at the end).
        case unexpectedOutput
        /// The deadline passed before what the step waits for arrived.
        case deadlineExceeded
        /// The server closed (or reset) a connection that a step still needed.
        case connectionEnded
        /// The client's bytes could not be written before the deadline.
        case sendFailed
        /// A TCP connection could not be made.
        case connectFailed
        /// The in-process server's set-up or connection factory threw.
        case serverFailed
        /// The steps contradict each other (for example, a send after `C-`).
        case invalidDialogue
        /// The step cannot run against this server (virtual time over TCP).
        case unsupported
        /// The awaiting task was cancelled.
        case cancelled
    }

    /// The kind of failure.
    public let kind: Kind
    /// The dialogue's name.
    public let dialogue: String
    /// Where the failing step was written, when a step failed.
    public let location: StepLocation?
    /// The chunking of the failing run.
    public let chunking: Chunking?
    /// The failing step, as the transcript writes it, or what was expected.
    public let expected: String
    /// What arrived instead, or what went wrong.
    public let received: String
    /// What the run did before the failure, as transcript lines.
    public let transcript: [String]
    /// The steps after the failing one, as `location  step`.
    public let stepsNotReached: [String]
    /// What the in-process loop logged during the run (a handler's error, say).
    public let serverLog: [String]
    /// Whether the plan had more than one run: then the report tells how to rerun this one alone.
    let planHadOtherRuns: Bool
    /// True when the failure was found after the last step (output left over).
    let afterLastStep: Bool

    init(
        kind: Kind, dialogue: String, location: StepLocation?, chunking: Chunking?,
        expected: String, received: String, transcript: [String] = [], stepsNotReached: [String] = [],
        serverLog: [String] = [], planHadOtherRuns: Bool = false, afterLastStep: Bool = false
    ) {
        self.kind = kind
        self.dialogue = dialogue
        self.location = location
        self.chunking = chunking
        self.expected = expected
        self.received = received
        self.transcript = transcript
        self.stepsNotReached = stepsNotReached
        self.serverLog = serverLog
        self.planHadOtherRuns = planHadOtherRuns
        self.afterLastStep = afterLastStep
    }

    func inPlan(withOtherRuns other: Bool) -> DialogueFailure {
        DialogueFailure(
            kind: kind, dialogue: dialogue, location: location, chunking: chunking, expected: expected,
            received: received, transcript: transcript, stepsNotReached: stepsNotReached,
            serverLog: serverLog, planHadOtherRuns: other, afterLastStep: afterLastStep
        )
    }

    private static let transcriptLimit = 40
    private static let listLimit = 12

    /// The report.
    public var description: String {
        var lines: [String] = []
        var header = "dialogue \"\(dialogue)\" failed"
        if let location { header += " at \(location)" } else if afterLastStep { header += " after its last step" }
        if let chunking { header += " (chunking: \(chunking.explanation))" }
        lines.append(header)
        if !transcript.isEmpty {
            lines.append("transcript so far:")
            if transcript.count > DialogueFailure.transcriptLimit {
                lines.append("  ... \(transcript.count - DialogueFailure.transcriptLimit) earlier lines")
            }
            lines += transcript.suffix(DialogueFailure.transcriptLimit).map { "  " + $0 }
        }
        if expected.isEmpty {
            lines += block("problem:  ", received)
        } else {
            lines += block("expected: ", expected)
            lines += block("received: ", received)
        }
        if let column = differenceColumn() {
            lines.append(String(repeating: " ", count: 10 + column) + "^ first difference")
        }
        if !stepsNotReached.isEmpty {
            lines.append("steps not reached:")
            lines += stepsNotReached.prefix(DialogueFailure.listLimit).map { "  " + $0 }
            if stepsNotReached.count > DialogueFailure.listLimit {
                lines.append("  ... and \(stepsNotReached.count - DialogueFailure.listLimit) more")
            }
        }
        if !serverLog.isEmpty {
            lines.append("server log:")
            lines += serverLog.suffix(DialogueFailure.listLimit).map { "  " + $0 }
        }
        if planHadOtherRuns, let chunking {
            lines.append("rerun this case alone with chunking: .only(\(chunking.swiftSpelling)) (scripted-peer: --chunking \(chunking))")
        }
        return lines.joined(separator: "\n")
    }

    private func block(_ label: String, _ text: String) -> [String] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            (index == 0 ? label : String(repeating: " ", count: label.count)) + part
        }
    }

    /// For an exact line against a received line of the same client, the
    /// column of the first difference; nil where a caret would not help.
    private func differenceColumn() -> Int? {
        guard kind == .unexpectedOutput, !expected.contains("\n"), !received.contains("\n"),
              let lineStart = expected.firstRange(of: "S: ")?.upperBound else { return nil }
        let prefix = expected[..<lineStart]
        guard received.hasPrefix(prefix) else { return nil }
        let expectedCharacters = Array(expected), receivedCharacters = Array(received)
        var column = 0
        while column < expectedCharacters.count, column < receivedCharacters.count,
              expectedCharacters[column] == receivedCharacters[column] {
            column += 1
        }
        return column
    }
}
