import AsyncCore

/// The steps that act: sending, half-closing, closing.
extension DialogueRun {
    /// Performs the step at `current`; returns the index of the next one.
    func perform(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) -> Int {
        let step = instruction.step
        switch step.action {
        case .connect:
            if let client = step.client { _ = try connect(client, instruction) }
            record(instruction)
        case .sendLine, .sendBytes:
            if let index = instruction.burst {
                let burst = script.bursts[index]
                try send(burst, instruction)
                return burst.instructions.upperBound
            }
        case .shutdownOutput:
            let scripted = try connection(for: step.client ?? Client(), instruction)
            try? scripted.shutdownOutput()
            try letServerRead(scripted)
            record(instruction)
        case .close:
            try close(step.client ?? Client(), instruction)
        case .stopReading:
            try connection(for: step.client ?? Client(), instruction).isReading = false
            record(instruction)
        case .resumeReading:
            try connection(for: step.client ?? Client(), instruction).isReading = true
            record(instruction)
        case .expectLine(let match):
            try expectLine(match, instruction)
        case .expectBytes(let bytes):
            try expectBytes(bytes, instruction)
        case .expectAnyOrder(let matches):
            try expectAnyOrder(matches, instruction)
        case .skipLines(let match):
            try skipLines(until: match, instruction)
        case .expectClose:
            try expectClose(instruction)
        case .skipToClose:
            try skipToClose(instruction)
        case .expectSilence(let duration):
            try expectSilence(for: duration, instruction)
        case .pause(let duration):
            _ = try wait(until: ContinuousClock.now + duration) { false }
            record(instruction)
        case .advanceClock(let duration):
            clock?.advance(by: duration)
            try settle()
            record(instruction)
        case .startTLS(let serverName, let trust):
            try startTLS(step.client ?? Client(), serverName: serverName, trust: trust, instruction)
        case .setDeadline, .setLineEnding, .setChunking:
            break
        }
        return current + 1
    }

    func record(_ instruction: CompiledDialogue.Instruction) {
        transcript += instruction.step.transcriptLines
    }

    func send(_ burst: CompiledDialogue.Burst, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: burst.client, instruction)
        if let ending = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: text(of: instruction), received: describe(ending))
        }
        for piece in pieces(of: burst) {
            try write(burst.bytes[piece], to: scripted, instruction)
            try letServerRead(scripted)
        }
        for index in burst.instructions { record(script.instructions[index]) }
    }

    /// The writes a burst is cut into under this run's chunking.
    func pieces(of burst: CompiledDialogue.Burst) -> [Range<Int>] {
        let count = burst.bytes.count
        let bytewise = (0..<count).map { $0..<$0 + 1 }
        switch burst.override {
        case .whole: return [0..<count]
        case .bytes: return bytewise
        case .run: break
        }
        switch chunking {
        case .whole:
            return [0..<count]
        case .bytes:
            return bytewise
        case .split(let position):
            let cut = position - (burst.streamOffset ?? 0)
            return cut > 0 && cut < count ? [0..<cut, cut..<count] : [0..<count]
        case .random:
            guard count > 1 else { return [0..<count] }
            let wanted = Int.random(in: 1...min(count - 1, 8), using: &random)
            var cuts: Set<Int> = []
            while cuts.count < wanted { cuts.insert(Int.random(in: 1..<count, using: &random)) }
            let bounds = [0] + cuts.sorted() + [count]
            return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
        }
    }

    func write(_ bytes: ArraySlice<UInt8>, to scripted: ScriptedClient, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let deadline = ContinuousClock.now + instruction.deadline
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard let socket = scripted.socket else {
                throw failure(.connectionEnded, at: instruction, expected: text(of: instruction), received: describe(scripted.ending ?? .reset))
            }
            let start = offset
            let outcome = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) -> Int? in
                    let rest = UnsafeRawBufferPointer(rebasing: raw[(start - bytes.startIndex)...])
                    if let layer = scripted.transportLayer { return try layer.write(rest) }
                    return try socket.send(rest)
                }
            }
            switch outcome {
            case .success(let sent?):
                offset += sent
                continue
            case .success(nil):
                break
            case .failure(let error) where error.isDisconnect:
                throw failure(
                    .connectionEnded, at: instruction, expected: text(of: instruction),
                    received: "the connection broke while sending (\(error))"
                )
            case .failure(let error):
                throw failure(.sendFailed, at: instruction, expected: text(of: instruction), received: "\(error)")
            }
            let now = ContinuousClock.now
            guard now < deadline else {
                throw failure(
                    .sendFailed, at: instruction, expected: text(of: instruction),
                    received: "the server read nothing for \(DurationText.format(instruction.deadline)); "
                        + "\(bytes.endIndex - offset) of \(bytes.count) bytes unsent"
                )
            }
            try pass(for: deadline - now)
        }
    }

    /// Lets the server take what was just written before anything else
    /// happens, so the write is one read on its side and sends of different
    /// clients reach it in the order of the steps. In-process this is exact:
    /// passes run until the kernel says the server holds no unread byte of
    /// this client, or until the server stops reading (two passes without progress).
    func letServerRead(_ scripted: ScriptedClient) throws(DialogueFailure) {
        var outstanding = scripted.unconsumedBySender
        var stalls = 0
        while outstanding > 0, stalls < 2 {
            try runPass(timeout: .zero)
            let now = scripted.unconsumedBySender
            stalls = now < outstanding ? 0 : stalls + 1
            outstanding = now
        }
        try runPass(timeout: .zero)
    }

    func close(_ client: Client, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: client, instruction)
        try runPass(timeout: .zero)
        try requireNothingPending(on: scripted, before: instruction)
        scripted.close()
        finished.insert(client)
        record(instruction)
    }
}
