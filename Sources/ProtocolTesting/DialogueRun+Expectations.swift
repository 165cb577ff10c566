import AsyncCore

/// The steps that expect: lines, bytes, a close, silence.
extension DialogueRun {
    func expectLine(_ match: LineMatch, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        let line = try nextLine(of: scripted, instruction)
        guard !line.bareLF, let text = line.text, match.accepts(text) else {
            throw failure(.unexpectedOutput, at: instruction, expected: self.text(of: instruction), received: line.display(prefix: scripted.client.prefix))
        }
        scripted.consume(line.length)
        record(instruction)
    }

    func expectAnyOrder(_ matches: [LineMatch], _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        var pending = matches
        while !pending.isEmpty {
            let line = try nextLine(of: scripted, instruction, expecting: pending)
            // An exact member takes its line first, so a broad pattern cannot steal it.
            let text = line.bareLF ? nil : line.text
            let chosen = text.flatMap { text in
                pending.firstIndex { $0.isExact && $0.accepts(text) } ?? pending.firstIndex { $0.accepts(text) }
            }
            guard let chosen else {
                throw failure(
                    .unexpectedOutput, at: instruction, expected: anyOrderText(pending, client: scripted.client),
                    received: line.display(prefix: scripted.client.prefix)
                )
            }
            pending.remove(at: chosen)
            scripted.consume(line.length)
            transcript.append(line.display(prefix: scripted.client.prefix) + "   (any order)")
        }
    }

    func skipLines(until match: LineMatch, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        var skipped = 0
        while true {
            let line = try nextLine(of: scripted, instruction, skipped: skipped)
            if line.bareLF {
                throw failure(.unexpectedOutput, at: instruction, expected: text(of: instruction), received: line.display(prefix: scripted.client.prefix))
            }
            scripted.consume(line.length)
            if let text = line.text, match.accepts(text) {
                transcript.append(line.display(prefix: scripted.client.prefix))
                return
            }
            // A report shows what S* passed over: the line it waited for may be among them, slightly wrong.
            transcript.append(line.display(prefix: scripted.client.prefix) + "   (skipped by S*)")
            skipped += 1
        }
    }

    /// Waits for a complete line on `scripted`; fails when the deadline
    /// passes first or the connection ends before a line ending.
    func nextLine(
        of scripted: ScriptedClient, _ instruction: CompiledDialogue.Instruction,
        expecting group: [LineMatch]? = nil, skipped: Int = 0
    ) throws(DialogueFailure) -> ReceivedLine {
        let ending = instruction.lineEnding
        let deadline = ContinuousClock.now + instruction.deadline
        _ = try wait(until: deadline) { ReceivedLine.first(in: scripted.unread, ending: ending) != nil || scripted.ending != nil }
        if let line = ReceivedLine.first(in: scripted.unread, ending: ending) { return line }
        let expected = group.map { anyOrderText($0, client: scripted.client) } ?? text(of: instruction)
        let after = skipped > 0 ? " (after skipping \(skipped) line\(skipped == 1 ? "" : "s"))" : ""
        let partial = scripted.unread.isEmpty ? nil : "\"\(ByteEscapes.encode(scripted.unread))\" with no line ending"
        if let reason = scripted.ending {
            throw failure(
                .connectionEnded, at: instruction, expected: expected,
                received: (partial.map { $0 + ", then " } ?? "") + describe(reason) + after
            )
        }
        throw failure(
            .deadlineExceeded, at: instruction, expected: expected,
            received: (partial ?? "nothing") + " within \(DurationText.format(instruction.deadline))" + after
        )
    }

    func expectBytes(_ expected: [UInt8], _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        let deadline = ContinuousClock.now + instruction.deadline
        let prefix = scripted.client.prefix
        func agreesSoFar() -> Bool { scripted.unread.prefix(expected.count).elementsEqual(expected.prefix(scripted.unread.count)) }
        _ = try wait(until: deadline) { scripted.unread.count >= expected.count || scripted.ending != nil || !agreesSoFar() }
        let head = scripted.unread.prefix(expected.count)
        if head.elementsEqual(expected) {
            scripted.consume(expected.count)
            record(instruction)
            return
        }
        let shown = prefix + "S< " + ByteEscapes.encode(head)
        if !agreesSoFar() {
            throw failure(.unexpectedOutput, at: instruction, expected: text(of: instruction), received: shown)
        }
        if let reason = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: text(of: instruction), received: (head.isEmpty ? "" : shown + ", then ") + describe(reason))
        }
        throw failure(
            .deadlineExceeded, at: instruction, expected: text(of: instruction),
            received: (head.isEmpty ? "nothing" : shown + " and no more") + " within \(DurationText.format(instruction.deadline))"
        )
    }

    func expectClose(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let client = instruction.step.client ?? Client()
        let scripted = try connection(for: client, instruction)
        let deadline = ContinuousClock.now + instruction.deadline
        _ = try wait(until: deadline) { scripted.ending != nil || !scripted.unread.isEmpty }
        try requireNothingPending(on: scripted, before: instruction)
        guard let reason = scripted.ending else {
            throw failure(
                .deadlineExceeded, at: instruction, expected: text(of: instruction),
                received: "nothing within \(DurationText.format(instruction.deadline)); the connection is still open"
            )
        }
        if case .failed(let text) = reason {
            throw failure(.connectionEnded, at: instruction, expected: self.text(of: instruction), received: text)
        }
        scripted.close()
        finished.insert(client)
        record(instruction)
    }

    func skipToClose(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let client = instruction.step.client ?? Client()
        let scripted = try connection(for: client, instruction)
        var skipped = 0
        // The deadline counts from the last byte received: a long backlog is progress.
        var lastProgress = ContinuousClock.now + instruction.deadline
        while scripted.ending == nil {
            let received = scripted.receivedTotal
            _ = try wait(until: lastProgress) { scripted.ending != nil || scripted.receivedTotal != received }
            skipped += scripted.unread.count
            scripted.consume(scripted.unread.count)
            if scripted.receivedTotal != received {
                lastProgress = ContinuousClock.now + instruction.deadline
            } else if scripted.ending == nil {
                throw failure(
                    .deadlineExceeded, at: instruction, expected: text(of: instruction),
                    received: "no close within \(DurationText.format(instruction.deadline)) (after skipping \(skipped) bytes)"
                )
            }
        }
        skipped += scripted.unread.count
        scripted.consume(scripted.unread.count)
        if case .failed(let reason) = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: text(of: instruction), received: reason)
        }
        scripted.close()
        finished.insert(client)
        transcript.append("\(client.prefix)S*   (skipped \(skipped) bytes, then the server closed)")
    }

    func expectSilence(for duration: Duration, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        _ = try wait(until: ContinuousClock.now + duration) { scripted.ending != nil || !scripted.unread.isEmpty }
        try requireNothingPending(on: scripted, before: instruction)
        if let reason = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: text(of: instruction), received: describe(reason))
        }
        record(instruction)
    }

    /// Fails when the server sent something to `scripted` that no step consumed.
    func requireNothingPending(on scripted: ScriptedClient, before instruction: CompiledDialogue.Instruction?) throws(DialogueFailure) {
        guard !scripted.unread.isEmpty else { return }
        let expected = instruction.map { text(of: $0) } ?? "nothing more for \(scripted.client) (the dialogue has ended)"
        throw failure(.unexpectedOutput, at: instruction, expected: expected, received: describeUnread(of: scripted))
    }

    func describeUnread(of scripted: ScriptedClient) -> String {
        let prefix = scripted.client.prefix
        if let line = ReceivedLine.first(in: scripted.unread, ending: .crlf) ?? ReceivedLine.first(in: scripted.unread, ending: .lf) {
            return line.display(prefix: prefix)
        }
        return prefix + "S< " + ByteEscapes.encode(scripted.unread.prefix(200))
    }
}
