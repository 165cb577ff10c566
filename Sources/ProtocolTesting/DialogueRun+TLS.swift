import AsyncCore
import AsyncTLS

/// The `C^` step: the client's end of a connection switches to TLS.
extension DialogueRun {
    func startTLS(_ client: Client, serverName: String, trust: TLSTrust, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: client, instruction)
        let expected = text(of: instruction)
        // Whatever arrived in the clear must have been expected before the
        // switch: a server that says more after its go-ahead is wrong.
        try letServerRead(scripted)
        try requireNothingPending(on: scripted, before: instruction)
        if let ending = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: expected, received: describe(ending))
        }
        guard let socket = scripted.socket else {
            throw failure(.connectionEnded, at: instruction, expected: expected, received: "the connection is closed")
        }
        let layer: TLSLayer
        do {
            layer = try TLSLayer(socket: socket, context: try TLSContext(trust: trust), serverName: serverName)
            try scripted.upgrade(to: layer)
        } catch {
            throw failure(.unsupported, at: instruction, expected: expected, received: "cannot start TLS: \(error)")
        }
        let deadline = ContinuousClock.now + instruction.deadline
        let settled = try wait(until: deadline) { layer.isEstablished || scripted.ending != nil }
        if let ending = scripted.ending {
            throw failure(.connectionEnded, at: instruction, expected: expected, received: describe(ending))
        }
        guard settled else {
            throw failure(
                .deadlineExceeded, at: instruction, expected: expected,
                received: "no TLS handshake within \(DurationText.format(instruction.deadline))"
            )
        }
        record(instruction)
    }
}
