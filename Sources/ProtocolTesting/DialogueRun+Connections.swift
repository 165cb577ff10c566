import AsyncCore

/// The server under test and the connections of the dialogue's clients.
extension DialogueRun {
    func prepareServer() throws(DialogueFailure) {
        switch server.kind {
        case .inProcess(let setUp, let socketBufferSize):
            do {
                endpoint = .inProcess(try setUp(loop), socketBufferSize: socketBufferSize)
            } catch {
                throw failure(.serverFailed, at: nil, expected: "the in-process server's set-up to succeed", received: "set-up threw: \(error)")
            }
        case .tcp(let host, let port):
            if let index = script.instructions.firstIndex(where: { if case .advanceClock = $0.step.action { true } else { false } }) {
                current = index
                throw failure(
                    .unsupported, at: script.instructions[index], expected: "",
                    received: "uses virtual time (T+), which needs an in-process server; the server at \(host):\(port) keeps its own time"
                )
            }
            do {
                guard let address = try SocketAddress.resolve(host: host, port: port).first else {
                    throw AddressError.noAddresses(host: host)
                }
                endpoint = .tcp(address)
            } catch {
                throw failure(.connectFailed, at: nil, expected: "a connection to \(host):\(port)", received: "\(error)")
            }
        }
    }

    /// The client's connection, opened at its first step.
    func connection(for client: Client, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) -> ScriptedClient {
        if let existing = clients[client] { return existing }
        return try connect(client, instruction)
    }

    func connect(_ client: Client, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) -> ScriptedClient {
        clients[client]?.close()
        finished.remove(client)
        if !clientOrder.contains(client) { clientOrder.append(client) }
        switch endpoint {
        case .inProcess(let factory, let socketBufferSize):
            return try connectInProcess(client, factory: factory, socketBufferSize: socketBufferSize, instruction)
        case .tcp(let address):
            return try connectTCP(client, to: address, instruction)
        case nil:
            throw failure(.serverFailed, at: instruction, expected: "a server", received: "no server was prepared")
        }
    }

    func connectInProcess(
        _ client: Client, factory: ServerUnderTest.ConnectionFactory, socketBufferSize: Int?,
        _ instruction: CompiledDialogue.Instruction
    ) throws(DialogueFailure) -> ScriptedClient {
        let serverEnd: Socket
        let scripted: ScriptedClient
        do {
            let (first, second) = try Socket.pair()
            serverEnd = first
            if let size = socketBufferSize {
                for end in [first, second] {
                    try end.setOption(.sendBufferSize, to: size)
                    try end.setOption(.receiveBufferSize, to: size)
                }
            }
            scripted = try ScriptedClient(client: client, socket: second, loop: loop)
        } catch {
            throw failure(.serverFailed, at: instruction, expected: "a socketpair for \(client)", received: "\(error)")
        }
        clients[client] = scripted
        do {
            _ = try factory(serverEnd)
        } catch {
            if !loop.dispatchers.contains(where: { $0.descriptor == serverEnd.descriptor }) { serverEnd.close() }
            throw failure(
                .serverFailed, at: instruction, expected: "the server to take \(client)'s connection",
                received: "the connection factory threw: \(error)"
            )
        }
        return scripted
    }

    func connectTCP(
        _ client: Client, to address: SocketAddress, _ instruction: CompiledDialogue.Instruction
    ) throws(DialogueFailure) -> ScriptedClient {
        let scripted = ScriptedClient(client: client, loop: loop)
        clients[client] = scripted
        do {
            try scripted.connect(to: address)
        } catch {
            throw failure(.connectFailed, at: instruction, expected: "\(client) connected to \(address)", received: "\(error)")
        }
        let deadline = ContinuousClock.now + instruction.deadline
        let settled = try wait(until: deadline) { scripted.connected || scripted.ending != nil }
        if case .failed(let reason) = scripted.ending {
            throw failure(.connectFailed, at: instruction, expected: "\(client) connected to \(address)", received: reason)
        }
        guard settled, scripted.connected else {
            throw failure(
                .connectFailed, at: instruction, expected: "\(client) connected to \(address)",
                received: "no connection within \(DurationText.format(instruction.deadline))"
            )
        }
        // Each write should leave as its own segment, so chunk boundaries survive as far as TCP allows.
        try? scripted.socket?.setOption(.noDelay, to: 1)
        return scripted
    }
}
