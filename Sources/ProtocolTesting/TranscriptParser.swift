/// Reads the text form of a dialogue, one step per line. The format is
/// described in the catalog article "Transcript format"; every error names
/// its line.
enum TranscriptParser {
    private struct Group {
        let line: Int
        var client: Client?
        var matches: [LineMatch] = []
    }

    static let stepSummary = "C: C< C- C= C+ C^ R- R+ S: S~ S< S* S= S- T: T+"

    static func parse(_ text: String, source: String) throws(TranscriptError) -> [DialogueStep] {
        var steps: [DialogueStep] = []
        var group: Group?
        var number = 0
        // "\r\n" is one Character in Swift, so both endings must be named.
        for var line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            // CRs before the line end (a CRLF file saved as CRLF again, or a
            // last line cut before its LF) belong to the ending: an argument
            // ending in CR could not be written back.
            while line.last == "\r" { line = line.dropLast() }
            let body = line.drop { $0 == " " || $0 == "\t" }
            if body.isEmpty || body.hasPrefix("#") { continue }
            let location = StepLocation(file: source, line: number)
            func problem(_ message: String) -> TranscriptError {
                TranscriptError(source: source, line: number, message: message)
            }

            if body.hasPrefix("!") {
                guard group == nil else { throw problem("a directive cannot stand inside a { } group") }
                steps.append(try directive(body.dropFirst(), at: location, problem))
                continue
            }
            if body.trimmingTrailingSpace == "{" {
                if let open = group { throw problem("a { group is already open (since line \(open.line)); groups do not nest") }
                group = Group(line: number)
                continue
            }
            if body.trimmingTrailingSpace == "}" {
                guard let closing = group else { throw problem("} without an open { group") }
                guard let client = closing.client, !closing.matches.isEmpty else {
                    throw problem("the { group opened at line \(closing.line) is empty")
                }
                steps.append(client.expectLines(inAnyOrder: closing.matches, file: source, line: closing.line))
                group = nil
                continue
            }

            var rest = body
            var client = Client()
            if rest.hasPrefix("@") {
                let name = rest.dropFirst().prefix { $0 != " " && $0 != "\t" }
                client = Client(String(name))
                guard !name.isEmpty, client.hasValidName else {
                    throw problem("'@\(name)' is not a client name: use letters, digits, '_', '.' and '-'")
                }
                rest = rest.dropFirst(1 + name.count)
                let gap = rest.prefix { $0 == " " || $0 == "\t" }
                guard !gap.isEmpty else { throw problem("put a space between @\(name) and its step") }
                rest = rest.dropFirst(gap.count)
            }
            let token = String(rest.prefix(2))
            let afterToken = rest.dropFirst(2)
            let argument: String?
            if afterToken.isEmpty {
                argument = nil
            } else if afterToken.hasPrefix(" ") {
                argument = String(afterToken.dropFirst())
            } else {
                throw problem(isStepToken(token) ? "put one space between \(token) and its text" : unknownStep(rest))
            }

            if var open = group {
                guard token == "S:" || token == "S~" else {
                    throw problem("a { } group holds only S: and S~ lines (group opened at line \(open.line))")
                }
                if let member = open.client, member != client {
                    throw problem("all lines of a { } group belong to one client (\(member), here \(client))")
                }
                open.client = client
                open.matches.append(token == "S:" ? .exactly(argument ?? "") : try pattern(argument, token: token, problem))
                group = open
                continue
            }
            steps.append(try step(token, argument, client: client, at: location, rest: rest, problem))
        }
        if let open = group {
            throw TranscriptError(source: source, line: open.line, message: "the { group opened here is never closed with }")
        }
        return steps
    }

    private static func step(
        _ token: String, _ argument: String?, client: Client, at location: StepLocation, rest: Substring,
        _ problem: (String) -> TranscriptError
    ) throws(TranscriptError) -> DialogueStep {
        let file = location.file, line = location.line
        func bare(_ make: () -> DialogueStep) throws(TranscriptError) -> DialogueStep {
            guard (argument ?? "").allSatisfy({ $0 == " " || $0 == "\t" }) else { throw problem("\(token) takes no argument") }
            return make()
        }
        func global(_ make: () -> DialogueStep) throws(TranscriptError) -> DialogueStep {
            guard client.name.isEmpty else { throw problem("\(token) is not a client's step: remove @\(client.name)") }
            return make()
        }
        switch token {
        case "C:": return client.send(argument ?? "", file: file, line: line)
        case "C<": return client.send(bytes: try bytes(argument, token: token, problem), file: file, line: line)
        case "C-": return try bare { client.shutdownOutput(file: file, line: line) }
        case "C=": return try bare { client.close(file: file, line: line) }
        case "C+": return try bare { client.connect(file: file, line: line) }
        case "C^":
            let name = String((argument ?? "").drop { $0 == " " || $0 == "\t" }.trimmingTrailingSpace)
            return client.startTLS(serverName: name.isEmpty ? Client.defaultTLSServerName : name, file: file, line: line)
        case "R-": return try bare { client.stopReading(file: file, line: line) }
        case "R+": return try bare { client.resumeReading(file: file, line: line) }
        case "S:": return client.expect(argument ?? "", file: file, line: line)
        case "S~":
            let match = try pattern(argument, token: token, problem)
            return DialogueStep(client: client, action: .expectLine(match), location: location)
        case "S<": return client.expect(bytes: try bytes(argument, token: token, problem), file: file, line: line)
        case "S*":
            guard let argument, !argument.allSatisfy({ $0 == " " || $0 == "\t" }) else { return client.skipToClose(file: file, line: line) }
            return client.skipLines(until: try pattern(argument, token: token, problem), file: file, line: line)
        case "S=": return try bare { client.expectClose(file: file, line: line) }
        case "S-": return client.expectSilence(for: try duration(argument, token: token, problem), file: file, line: line)
        case "T:":
            let pause = try duration(argument, token: token, problem)
            return try global { DialogueStep.pause(pause, file: file, line: line) }
        case "T+":
            let advance = try duration(argument, token: token, problem)
            return try global { DialogueStep.advanceClock(by: advance, file: file, line: line) }
        default:
            throw problem(unknownStep(rest))
        }
    }

    private static func directive(
        _ text: Substring, at location: StepLocation, _ problem: (String) -> TranscriptError
    ) throws(TranscriptError) -> DialogueStep {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let name = words.first.map(String.init) ?? ""
        let value = words.count == 2 ? String(words[1]) : nil
        let file = location.file, line = location.line
        switch name {
        case "deadline":
            guard let value, let duration = DurationText.parse(value) else { throw problem("write !deadline DURATION, for example !deadline 2s") }
            return DialogueStep.deadline(duration, file: file, line: line)
        case "line-ending":
            guard let value, let ending = LineEnding(rawValue: value) else { throw problem("write !line-ending crlf or !line-ending lf") }
            return DialogueStep.lineEnding(ending, file: file, line: line)
        case "chunking":
            guard let value, let override = ChunkingOverride(rawValue: value) else {
                throw problem("write !chunking run, !chunking whole or !chunking bytes")
            }
            return DialogueStep.chunking(override, file: file, line: line)
        default:
            throw problem("unknown directive !\(name); directives are !deadline, !line-ending and !chunking")
        }
    }

    private static func bytes(_ argument: String?, token: String, _ problem: (String) -> TranscriptError) throws(TranscriptError) -> [UInt8] {
        guard let argument, !argument.isEmpty else { throw problem("\(token) needs the bytes to send or expect") }
        do {
            return try ByteEscapes.decode(argument)
        } catch {
            switch error {
            case .unknownEscape(let escape, let column):
                throw problem("unknown escape \(escape) at column \(column) of the bytes; use \\r, \\n, \\t, \\\\ or \\xHH")
            case .truncatedHex(let column):
                throw problem("\\x at column \(column) of the bytes needs two hex digits")
            }
        }
    }

    private static func pattern(_ argument: String?, token: String, _ problem: (String) -> TranscriptError) throws(TranscriptError) -> LineMatch {
        guard let argument, !argument.isEmpty else { throw problem("\(token) needs a regular expression") }
        let match = LineMatch.matching(argument)
        if case .pattern(let compiled) = match.rule, let reason = compiled.compileError {
            throw problem("invalid regular expression: \(reason)")
        }
        return match
    }

    private static func duration(_ argument: String?, token: String, _ problem: (String) -> TranscriptError) throws(TranscriptError) -> Duration {
        let text = (argument ?? "").drop { $0 == " " || $0 == "\t" }.trimmingTrailingSpace
        guard let duration = DurationText.parse(String(text)) else {
            throw problem("\(token) needs a duration such as 250ms, 5s, 1.5s, 2m or 1h\(text.isEmpty ? "" : ", not '\(text)'")")
        }
        return duration
    }

    private static func isStepToken(_ token: String) -> Bool {
        stepSummary.split(separator: " ").contains { $0 == token }
    }

    private static func unknownStep(_ text: Substring) -> String {
        "unknown step '\(text.prefix(12))'; steps are \(stepSummary), directives start with !, comments with #"
    }
}

private extension StringProtocol {
    var trimmingTrailingSpace: SubSequence {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " || self[index(before: end)] == "\t" { end = index(before: end) }
        return self[startIndex..<end]
    }
}
