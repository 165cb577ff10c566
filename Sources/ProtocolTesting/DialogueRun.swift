import AsyncCore

/// One run of a compiled dialogue under one chunking: a fresh loop, fresh
/// connections, the steps in order, then the check that nothing was left
/// over. Every wait is bounded by a real-time deadline, so a server that
/// never answers fails the run instead of hanging it.
final class DialogueRun {
    private enum Endpoint {
        case inProcess(ServerUnderTest.ConnectionFactory, socketBufferSize: Int?)
        case tcp(SocketAddress)
    }

    private let script: CompiledDialogue
    private let name: String
    private let chunking: Chunking
    private let server: ServerUnderTest
    private let isCancelled: () -> Bool
    private let loop: EventLoop
    private let clock: ManualClock?
    private let serverLog = ServerLog()
    private var endpoint: Endpoint?
    private var clients: [Client: ScriptedClient] = [:]
    private var clientOrder: [Client] = []
    /// Clients whose connection a step ended (`C=`, `S=`): nothing more is owed on them.
    private var finished: Set<Client> = []
    private var transcript: [String] = []
    private var random: SplitMix64
    private var current = 0

    /// How long one loop pass may wait before the kit looks at its deadlines again.
    private static let passSlice = Duration.milliseconds(50)
    /// How long the kit waits on its clients' sockets when the loop cannot wait.
    private static let idleSlice = Duration.milliseconds(5)
    /// How long a TCP run watches for stray output after the last step.
    private static let tcpLinger = Duration.milliseconds(50)
    /// Passes without visible change after which an in-process server counts as settled.
    private static let quietPasses = 8

    init(
        script: CompiledDialogue, name: String, chunking: Chunking, server: ServerUnderTest,
        isCancelled: @escaping () -> Bool
    ) throws(DialogueFailure) {
        self.script = script
        self.name = name
        self.chunking = chunking
        self.server = server
        self.isCancelled = isCancelled
        if case .random(let seed) = chunking {
            random = SplitMix64(seed: seed)
        } else {
            random = SplitMix64(seed: 0)
        }
        let manual = server.isInProcess ? ManualClock() : nil
        do {
            loop = try manual.map { try EventLoop(clock: $0) } ?? EventLoop()
        } catch {
            throw DialogueFailure(
                kind: .serverFailed, dialogue: name, location: nil, chunking: chunking,
                expected: "an event loop for the run", received: "\(error)"
            )
        }
        clock = manual
        loop.logger = { [serverLog] line in serverLog.append(line) }
    }

    func run() throws(DialogueFailure) {
        defer { tearDown() }
        try prepareServer()
        while current < script.instructions.count {
            current = try perform(script.instructions[current])
        }
        try finish()
    }

    // MARK: Server and connections

    private func prepareServer() throws(DialogueFailure) {
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

    private func connect(_ client: Client, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) -> ScriptedClient {
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

    private func connectInProcess(
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

    private func connectTCP(
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

    // MARK: Steps

    /// Performs the step at `current`; returns the index of the next one.
    private func perform(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) -> Int {
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

    private func send(_ burst: CompiledDialogue.Burst, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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
    private func pieces(of burst: CompiledDialogue.Burst) -> [Range<Int>] {
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

    private func write(_ bytes: ArraySlice<UInt8>, to scripted: ScriptedClient, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func close(_ client: Client, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: client, instruction)
        try runPass(timeout: .zero)
        try requireNothingPending(on: scripted, before: instruction)
        scripted.close()
        finished.insert(client)
        record(instruction)
    }

    // MARK: Expectations

    private func expectLine(_ match: LineMatch, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
        let scripted = try connection(for: instruction.step.client ?? Client(), instruction)
        let line = try nextLine(of: scripted, instruction)
        guard !line.bareLF, let text = line.text, match.accepts(text) else {
            throw failure(.unexpectedOutput, at: instruction, expected: self.text(of: instruction), received: line.display(prefix: scripted.client.prefix))
        }
        scripted.consume(line.length)
        record(instruction)
    }

    private func expectAnyOrder(_ matches: [LineMatch], _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func skipLines(until match: LineMatch, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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
    private func nextLine(
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

    private func expectBytes(_ expected: [UInt8], _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func expectClose(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func skipToClose(_ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func expectSilence(for duration: Duration, _ instruction: CompiledDialogue.Instruction) throws(DialogueFailure) {
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

    private func describeUnread(of scripted: ScriptedClient) -> String {
        let prefix = scripted.client.prefix
        if let line = ReceivedLine.first(in: scripted.unread, ending: .crlf) ?? ReceivedLine.first(in: scripted.unread, ending: .lf) {
            return line.display(prefix: prefix)
        }
        return prefix + "S< " + ByteEscapes.encode(scripted.unread.prefix(200))
    }

    // MARK: End of the dialogue

    /// After the last step: everything the server sent must have been
    /// consumed, and no connection may have ended without a step saying so.
    private func finish() throws(DialogueFailure) {
        for scripted in clients.values { scripted.isReading = true }
        try settle()
        if case .tcp = endpoint {
            let open = clientOrder.compactMap { finished.contains($0) ? nil : clients[$0] }
            _ = try wait(until: ContinuousClock.now + DialogueRun.tcpLinger) {
                open.contains { !$0.unread.isEmpty || $0.ending != nil }
            }
        }
        current = script.instructions.count
        for client in clientOrder where !finished.contains(client) {
            guard let scripted = clients[client] else { continue }
            try requireNothingPending(on: scripted, before: nil)
            if let reason = scripted.ending {
                throw failure(
                    .connectionEnded, at: nil, expected: "nothing more for \(client) (the dialogue has ended)",
                    received: describe(reason) + ", which no S= step expects"
                )
            }
        }
    }

    /// Runs passes that wait for nothing until several in a row change
    /// nothing a client can see: the in-process server has done what it
    /// will do. Several, because a server may carry work over from pass to
    /// pass (deferred delivery, zero-delay timers) without output in between.
    private func settle() throws(DialogueFailure) {
        var quiet = 0
        var passes = 0
        var last = observedState()
        while quiet < DialogueRun.quietPasses, passes < 10_000 {
            try runPass(timeout: .zero)
            let now = observedState()
            quiet = now == last ? quiet + 1 : 0
            last = now
            passes += 1
        }
    }

    private func observedState() -> [Int] {
        clientOrder.compactMap { clients[$0] }.map { $0.receivedTotal * 4 + ($0.ending == nil ? 0 : 1) + ($0.isOpen ? 2 : 0) }
    }

    private func tearDown() {
        for scripted in clients.values { scripted.close() }
        loop.closeAll()
    }

    // MARK: Waiting

    /// Runs the loop until `condition` holds (true) or `deadline` passes (false).
    func wait(until deadline: ContinuousClock.Instant, for condition: () -> Bool) throws(DialogueFailure) -> Bool {
        while true {
            if condition() { return true }
            let now = ContinuousClock.now
            if now >= deadline { return false }
            if isCancelled() {
                throw failure(.cancelled, at: current < script.instructions.count ? script.instructions[current] : nil, expected: "", received: "the task running the dialogue was cancelled")
            }
            try pass(for: deadline - now)
        }
    }

    private func pass(for limit: Duration) throws(DialogueFailure) {
        let slice = min(limit, DialogueRun.passSlice)
        guard clock != nil, loop.pendingTimerCount > 0 else {
            try runPass(timeout: slice)
            return
        }
        // Under a manual clock the loop does not wait while timers are
        // pending; wait on the clients' sockets instead of spinning, unless
        // the pass just changed something (the server is still busy).
        let before = observedState()
        try runPass(timeout: .zero)
        if observedState() == before { waitForClientInput(min(slice, DialogueRun.idleSlice)) }
    }

    private func waitForClientInput(_ limit: Duration) {
        var entries = PollSet()
        for client in clients.values where client.isOpen && client.isReading && !client.inputClosed {
            entries.append(client.descriptor, events: .input)
        }
        let milliseconds = Int32(clamping: max(1, limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000))
        _ = try? entries.wait(timeoutMS: milliseconds)
    }

    private func runPass(timeout: Duration) throws(DialogueFailure) {
        do {
            try loop.runPass(timeout: timeout)
        } catch {
            throw failure(.serverFailed, at: nil, expected: "the event loop to keep running", received: "\(error)")
        }
    }

    // MARK: Reports

    func text(of instruction: CompiledDialogue.Instruction) -> String {
        instruction.step.transcriptLines.joined(separator: "\n")
    }

    private func anyOrderText(_ matches: [LineMatch], client: Client) -> String {
        (["these lines in any order:"] + matches.map { "  " + client.prefix + $0.description }).joined(separator: "\n")
    }

    func describe(_ ending: ScriptedClient.Ending) -> String {
        switch ending {
        case .closed: return "connection closed by the server"
        case .reset: return "connection reset"
        case .failed(let reason): return reason
        }
    }

    func failure(
        _ kind: DialogueFailure.Kind, at instruction: CompiledDialogue.Instruction?, expected: String, received: String
    ) -> DialogueFailure {
        let next = min(current + 1, script.instructions.count)
        let notReached = script.instructions[next...].flatMap { later in
            later.step.transcriptLines.map { "\(later.step.location)  \($0)" }
        }
        return DialogueFailure(
            kind: kind, dialogue: name, location: instruction?.step.location, chunking: chunking,
            expected: expected, received: received, transcript: transcript, stepsNotReached: notReached,
            serverLog: serverLog.lines, afterLastStep: current >= script.instructions.count
        )
    }
}
