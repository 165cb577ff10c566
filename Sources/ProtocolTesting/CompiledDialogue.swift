/// A dialogue checked and prepared for running: settings applied to each
/// step, sends grouped into bursts, split positions known.
struct CompiledDialogue {
    struct Instruction {
        let step: DialogueStep
        let deadline: Duration
        let lineEnding: LineEnding
        /// For a send, the bytes it puts on the wire.
        let payload: [UInt8]
        /// For a send, the burst it belongs to.
        let burst: Int?
    }

    /// Sends of one client with no other step between them: they leave in
    /// one write unless the chunking cuts them.
    struct Burst {
        let client: Client
        let instructions: Range<Int>
        let bytes: [UInt8]
        let override: ChunkingOverride
        /// Where the burst starts among the bytes a ``Chunking`` counts; nil
        /// when an override takes it out of the count.
        let streamOffset: Int?
    }

    /// A step that cannot run, and why.
    struct Problem: Error {
        let location: StepLocation
        let message: String
    }

    let instructions: [Instruction]
    let bursts: [Burst]
    /// The positions where ``Chunking/split(at:)`` cuts a burst.
    let splitPositions: [Int]
    let usesVirtualTime: Bool

    private enum Connection {
        case notConnected
        case open
        case ended(StepLocation, String)
    }

    private struct ClientState {
        var connection = Connection.notConnected
        var stoppedReading: StepLocation?
        var shutOutput: StepLocation?
        var startedTLS: StepLocation?
    }

    static func compile(_ steps: [DialogueStep], deadline initialDeadline: Duration) throws(Problem) -> CompiledDialogue {
        var instructions: [Instruction] = []
        var bursts: [Burst] = []
        var streamLength = 0
        var deadline = initialDeadline
        var lineEnding = LineEnding.crlf
        var override = ChunkingOverride.run
        var states: [Client: ClientState] = [:]
        var usesVirtualTime = false

        for step in steps {
            let location = step.location
            if let client = step.client {
                guard client.hasValidName else {
                    throw Problem(location: location, message: "client name '\(client.name)' may hold only letters, digits, '_', '.' and '-'")
                }
                var state = states[client] ?? ClientState()
                try check(step, of: client, in: &state)
                states[client] = state
            }
            var payload: [UInt8] = []
            var burstIndex: Int?
            switch step.action {
            case .setDeadline(let duration):
                guard duration > .zero else { throw Problem(location: location, message: "the deadline must be longer than zero") }
                deadline = duration
            case .setLineEnding(let ending):
                lineEnding = ending
            case .setChunking(let chosen):
                override = chosen
            case .pause(let duration), .expectSilence(let duration):
                guard duration >= .zero else { throw Problem(location: location, message: "a duration cannot be negative") }
            case .advanceClock(let duration):
                guard duration >= .zero else { throw Problem(location: location, message: "the clock cannot move back") }
                usesVirtualTime = true
            case .sendLine(let text):
                payload = Array(text.utf8) + lineEnding.bytes
            case .sendBytes(let bytes):
                guard !bytes.isEmpty else { throw Problem(location: location, message: "a raw send needs at least one byte") }
                payload = bytes
            case .expectBytes(let bytes):
                guard !bytes.isEmpty else { throw Problem(location: location, message: "a raw expectation needs at least one byte") }
            case .expectLine(let match), .skipLines(let match):
                try checkPattern(match, at: location)
            case .expectAnyOrder(let matches):
                guard !matches.isEmpty else { throw Problem(location: location, message: "an any-order group needs at least one line") }
                for match in matches { try checkPattern(match, at: location) }
            case .connect, .shutdownOutput, .close, .stopReading, .resumeReading, .expectClose, .skipToClose, .startTLS:
                break
            }
            if !payload.isEmpty, let client = step.client {
                let index = instructions.count
                if let last = bursts.last, last.client == client, last.instructions.upperBound == index {
                    bursts[bursts.count - 1] = Burst(
                        client: client, instructions: last.instructions.lowerBound..<index + 1,
                        bytes: last.bytes + payload, override: last.override, streamOffset: last.streamOffset
                    )
                } else {
                    bursts.append(Burst(
                        client: client, instructions: index..<index + 1, bytes: payload,
                        override: override, streamOffset: override == .run ? streamLength : nil
                    ))
                }
                burstIndex = bursts.count - 1
                if bursts[bursts.count - 1].streamOffset != nil { streamLength += payload.count }
            }
            instructions.append(Instruction(step: step, deadline: deadline, lineEnding: lineEnding, payload: payload, burst: burstIndex))
        }
        // A cut before a burst's first byte changes nothing: the burst starts a write anyway.
        let splitPositions = bursts.flatMap { burst -> Range<Int> in
            guard let offset = burst.streamOffset else { return 0..<0 }
            return (offset + 1)..<(offset + burst.bytes.count)
        }
        return CompiledDialogue(instructions: instructions, bursts: bursts, splitPositions: splitPositions, usesVirtualTime: usesVirtualTime)
    }

    private static func check(_ step: DialogueStep, of client: Client, in state: inout ClientState) throws(Problem) {
        let location = step.location
        if case .connect = step.action {
            if case .open = state.connection {
                throw Problem(location: location, message: "\(client) is already connected")
            }
            state = ClientState(connection: .open)
            return
        }
        switch state.connection {
        case .notConnected:
            state.connection = .open
        case .ended(let at, let how):
            throw Problem(location: location, message: "\(client)'s connection ended at \(at) (\(how)); connect again with C+ first")
        case .open:
            break
        }
        switch step.action {
        case .sendLine, .sendBytes:
            if let at = state.shutOutput {
                throw Problem(location: location, message: "\(client) shut down its output at \(at) (C-) and cannot send")
            }
        case .shutdownOutput:
            if let at = state.shutOutput {
                throw Problem(location: location, message: "\(client) already shut down its output at \(at)")
            }
            state.shutOutput = location
        case .close:
            state.connection = .ended(location, "C=")
        case .startTLS:
            if let at = state.startedTLS {
                throw Problem(location: location, message: "\(client) already switched to TLS at \(at)")
            }
            if let at = state.shutOutput {
                throw Problem(location: location, message: "\(client) shut down its output at \(at) (C-) and cannot start TLS")
            }
            state.startedTLS = location
        case .stopReading:
            if let at = state.stoppedReading {
                throw Problem(location: location, message: "\(client) already stopped reading at \(at)")
            }
            state.stoppedReading = location
        case .resumeReading:
            guard state.stoppedReading != nil else {
                throw Problem(location: location, message: "\(client) is reading already; R+ only follows R-")
            }
            state.stoppedReading = nil
        case .expectLine, .expectBytes, .expectAnyOrder, .skipLines, .expectClose, .skipToClose, .expectSilence:
            if let at = state.stoppedReading {
                throw Problem(location: location, message: "\(client) stopped reading at \(at) (R-); resume with R+ before expecting output")
            }
            if case .expectClose = step.action { state.connection = .ended(location, "S=") }
            if case .skipToClose = step.action { state.connection = .ended(location, "S*") }
        case .connect, .pause, .advanceClock, .setDeadline, .setLineEnding, .setChunking:
            break
        }
    }

    private static func checkPattern(_ match: LineMatch, at location: StepLocation) throws(Problem) {
        if case .pattern(let pattern) = match.rule, let error = pattern.compileError {
            throw Problem(location: location, message: "invalid regular expression '\(pattern.display)': \(error)")
        }
    }
}
