/// Fuzzing of the scripted-peer kit's transcript reader: any text either
/// reads as a dialogue or fails with a `TranscriptError` naming a line of
/// the text; and a dialogue's rendering (`Dialogue.transcript`, what the kit
/// promises reads back for a dialogue read from a transcript) reads back as
/// the same steps and renders the same. Built into the ProtocolTesting
/// module to compare steps by their actions.
@_cdecl("LLVMFuzzerTestOneInput")
public func transcriptFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzBytes(data, count: size)
    let text = String(decoding: input.rest(), as: UTF8.self)
    // The parser's own notion of lines: LF and CRLF end one.
    let lineCount = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).count
    let dialogue: Dialogue
    do {
        dialogue = try Dialogue(transcript: text, name: "fuzz.txt")
    } catch {
        guard error.source == "fuzz.txt", let line = error.line, (1...lineCount).contains(line), !error.message.isEmpty else {
            fail("the error \"\(error)\" names no line of the \(lineCount)", text)
        }
        return 0
    }
    let lines = dialogue.steps.map(\.location.line)
    guard lines.allSatisfy({ (1...lineCount).contains($0) }), zip(lines, lines.dropFirst()).allSatisfy({ $0 < $1 }) else {
        fail("step lines \(lines) are not increasing lines of the \(lineCount)", text)
    }

    let rendered = dialogue.transcript
    let again: Dialogue
    do {
        again = try Dialogue(transcript: rendered, name: "rendered.txt")
    } catch {
        fail("the rendering does not read back: \(error)\nrendering: \(rendered.debugDescription)", text)
    }
    let before = dialogue.steps.map(StepKey.init)
    let after = again.steps.map(StepKey.init)
    if before != after {
        let first = before.indices.first { $0 >= after.count || before[$0] != after[$0] } ?? before.count
        fail("the rendering reads back differently from step \(first): "
            + "\(before.dropFirst(first).first.map(String.init(describing:)) ?? "none") became "
            + "\(after.dropFirst(first).first.map(String.init(describing:)) ?? "none")\nrendering: \(rendered.debugDescription)", text)
    }
    if again.transcript != rendered {
        fail("rendering the read-back dialogue differs: \(again.transcript.debugDescription)\nrendering: \(rendered.debugDescription)", text)
    }
    return 0
}

private func fail(_ message: String, _ text: String) -> Never {
    fatalError("\(message)\ntranscript: \(text.debugDescription)")
}

/// A step's client and action, everything but where it was written: two
/// steps with equal keys do the same thing.
private struct StepKey: Equatable, CustomStringConvertible {
    let description: String

    init(_ step: DialogueStep) {
        let client = step.client.map { "@" + $0.name + " " } ?? ""
        description = client + StepKey.describe(step.action)
    }

    private static func describe(_ action: DialogueStep.Action) -> String {
        switch action {
        case .connect: return "connect"
        case .sendLine(let text): return "send line \(text.debugDescription)"
        case .sendBytes(let bytes): return "send bytes \(bytes)"
        case .shutdownOutput: return "shut down output"
        case .close: return "close"
        case .stopReading: return "stop reading"
        case .resumeReading: return "resume reading"
        case .expectLine(let match): return "expect " + describe(match)
        case .expectBytes(let bytes): return "expect bytes \(bytes)"
        case .expectAnyOrder(let matches): return "expect in any order " + matches.map(describe).joined(separator: ", ")
        case .skipLines(let match): return "skip lines until " + describe(match)
        case .skipToClose: return "skip to close"
        case .expectClose: return "expect close"
        case .expectSilence(let duration): return "expect silence for \(duration.components)"
        case .pause(let duration): return "pause for \(duration.components)"
        case .advanceClock(let duration): return "advance the clock by \(duration.components)"
        case .setDeadline(let duration): return "deadline \(duration.components)"
        case .setLineEnding(let ending): return "line ending \(ending)"
        case .setChunking(let override): return "chunking \(override)"
        }
    }

    private static func describe(_ match: LineMatch) -> String {
        switch match.rule {
        case .exactly(let text): return "exactly \(text.debugDescription)"
        case .pattern(let pattern): return "pattern \(pattern.display.debugDescription)"
        }
    }
}
