import AsyncTLS

/// One step of a ``Dialogue``: something a client does, something it
/// expects from the server, or a change to the time or the settings.
///
/// Client steps come from a ``Client``; the others are static members here:
/// ```swift
/// let client = Client()
/// let dialogue = Dialogue {
///     DialogueStep.deadline(.milliseconds(500))
///     client.send("HELO there")
///     client.expect("250 localhost")
///     DialogueStep.advanceClock(by: .seconds(300))
///     client.expect("421 idle for too long")
///     client.expectClose()
/// }
/// ```
public struct DialogueStep: Sendable, CustomStringConvertible {
    enum Action: Sendable {
        case connect
        case sendLine(String)
        case sendBytes([UInt8])
        case shutdownOutput
        case close
        case stopReading
        case resumeReading
        case expectLine(LineMatch)
        case expectBytes([UInt8])
        case expectAnyOrder([LineMatch])
        case skipLines(until: LineMatch)
        case skipToClose
        case expectClose
        case expectSilence(Duration)
        case pause(Duration)
        case advanceClock(Duration)
        case setDeadline(Duration)
        case setLineEnding(LineEnding)
        case setChunking(ChunkingOverride)
        case startTLS(serverName: String, trust: TLSTrust)
    }

    /// The client the step belongs to; nil for time and settings steps.
    let client: Client?
    let action: Action
    /// Where the step was written.
    public let location: StepLocation

    init(client: Client?, action: Action, location: StepLocation) {
        self.client = client
        self.action = action
        self.location = location
    }

    /// Real time passes with the server running; what it sends meanwhile is
    /// kept for later steps (transcript: `T: 50ms`).
    public static func pause(_ duration: Duration, file: String = #fileID, line: Int = #line) -> DialogueStep {
        DialogueStep(client: nil, action: .pause(duration), location: StepLocation(file: file, line: line))
    }

    /// Moves the in-process server's virtual clock forward at once; timers
    /// due by then fire, in deadline order (transcript: `T+ 300s`). Only for
    /// in-process runs: a server in another process has its own clock.
    public static func advanceClock(by duration: Duration, file: String = #fileID, line: Int = #line) -> DialogueStep {
        DialogueStep(client: nil, action: .advanceClock(duration), location: StepLocation(file: file, line: line))
    }

    /// From here on, each expectation waits at most `duration` of real time
    /// (transcript: `!deadline 2s`).
    public static func deadline(_ duration: Duration, file: String = #fileID, line: Int = #line) -> DialogueStep {
        DialogueStep(client: nil, action: .setDeadline(duration), location: StepLocation(file: file, line: line))
    }

    /// From here on, lines end this way in both directions (transcript: `!line-ending lf`).
    public static func lineEnding(_ ending: LineEnding, file: String = #fileID, line: Int = #line) -> DialogueStep {
        DialogueStep(client: nil, action: .setLineEnding(ending), location: StepLocation(file: file, line: line))
    }

    /// From here on, sends are delivered this way (transcript: `!chunking whole`).
    public static func chunking(_ override: ChunkingOverride, file: String = #fileID, line: Int = #line) -> DialogueStep {
        DialogueStep(client: nil, action: .setChunking(override), location: StepLocation(file: file, line: line))
    }

    /// The step as a transcript writes it, such as `@alice S: hello`.
    public var description: String { transcriptLines.joined(separator: "\n") }

    /// The step as transcript lines, with its client's `@name ` prefix.
    var transcriptLines: [String] {
        let prefix = client.map(\.prefix) ?? ""
        switch action {
        case .connect: return [prefix + "C+"]
        case .sendLine(let text): return [prefix + "C: " + text]
        case .sendBytes(let bytes): return [prefix + "C< " + ByteEscapes.encode(bytes)]
        case .shutdownOutput: return [prefix + "C-"]
        case .close: return [prefix + "C="]
        case .stopReading: return [prefix + "R-"]
        case .resumeReading: return [prefix + "R+"]
        case .expectLine(let match): return [prefix + match.description]
        case .expectBytes(let bytes): return [prefix + "S< " + ByteEscapes.encode(bytes)]
        case .expectAnyOrder(let matches): return ["{"] + matches.map { prefix + $0.description } + ["}"]
        case .skipLines(let match):
            switch match.rule {
            case .pattern(let pattern): return [prefix + "S* " + pattern.display]
            case .exactly(let text): return [prefix + "S* \\Q" + text + "\\E"]
            }
        case .expectClose: return [prefix + "S="]
        case .skipToClose: return [prefix + "S*"]
        case .expectSilence(let duration): return [prefix + "S- " + DurationText.format(duration)]
        case .pause(let duration): return ["T: " + DurationText.format(duration)]
        case .advanceClock(let duration): return ["T+ " + DurationText.format(duration)]
        case .setDeadline(let duration): return ["!deadline " + DurationText.format(duration)]
        case .setLineEnding(let ending): return ["!line-ending " + ending.rawValue]
        case .setChunking(let override): return ["!chunking " + override.rawValue]
        case .startTLS(let serverName, _): return [prefix + (serverName == Client.defaultTLSServerName ? "C^" : "C^ " + serverName)]
        }
    }
}
