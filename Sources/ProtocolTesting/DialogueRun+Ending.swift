import AsyncCore

/// The end of the dialogue, waiting with deadlines, and the failure reports.
extension DialogueRun {
    /// After the last step: everything the server sent must have been
    /// consumed, and no connection may have ended without a step saying so.
    func finish() throws(DialogueFailure) {
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
    func settle() throws(DialogueFailure) {
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

    func observedState() -> [Int] {
        clientOrder.compactMap { clients[$0] }.map { $0.receivedTotal * 4 + ($0.ending == nil ? 0 : 1) + ($0.isOpen ? 2 : 0) }
    }

    func tearDown() {
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

    func pass(for limit: Duration) throws(DialogueFailure) {
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

    func waitForClientInput(_ limit: Duration) {
        var entries = PollSet()
        for client in clients.values where client.isOpen && client.isReading && !client.inputClosed {
            entries.append(client.descriptor, events: .input)
        }
        let milliseconds = Int32(clamping: max(1, limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000))
        _ = try? entries.wait(timeoutMS: milliseconds)
    }

    func runPass(timeout: Duration) throws(DialogueFailure) {
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

    func anyOrderText(_ matches: [LineMatch], client: Client) -> String {
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
