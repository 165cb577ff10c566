/// How the loop's events become hooks, and how closes are reported.
extension Dispatcher {
    // MARK: Interest and events (called by the loop)

    /// What to watch for in this pass: what the dispatcher asks for, and
    /// what its transport layer needs for itself.
    func currentInterest() -> Interest {
        guard isOpen else { return [] }
        if accepting { return !acceptPaused && readable() ? .read : [] }
        var interest: Interest = []
        if !inputClosed, readable() { interest.insert(.read) }
        if connecting || writable() { interest.insert(.write) }
        if case .layered(let layer) = transport, !connecting {
            // Output waits for the layer's setup: the layer would take none of it.
            if !layer.isEstablished { interest.remove(.write) }
            wantedInterest = interest
            let needed = layer.neededInterest
            if needed.contains(.read), !inputClosed { interest.insert(.read) }
            if needed.contains(.write) { interest.insert(.write) }
            // Input the layer held when reading was off (paused, then
            // resumed from outside this dispatcher's events) has no socket
            // event to wake it: read it on the next pass.
            if layer.owesBufferedRead, wantedInterest.contains(.read), !layer.bufferedReadPending {
                readBufferedInput(layer, loop: loop)
            }
            return interest
        }
        wantedInterest = interest
        return interest
    }

    /// Runs the hooks `events` call for. The loop passes itself, so no hook
    /// call pays for reaching the loop through the `unowned` reference.
    func dispatch(_ events: ReadyEvents, loop: EventLoop) {
        if accepting {
            invoke(loop) { try $0.handleAccept() }
            return
        }
        // The events belong to this registration: a hook that closes the
        // dispatcher and gives it a new socket (reconnects) must not get the
        // rest of the old socket's events.
        let registration = token
        var isSameSocket: Bool { isOpen && token == registration }
        if connecting {
            finishConnect(events)
            guard isSameSocket, connected else { return }
        }
        if case .layered(let layer) = transport {
            moveLayerBytes(layer, events: events, loop: loop)
            guard isSameSocket else { return }
        }
        let interest = wantedInterest
        if interest.contains(.read), !events.isDisjoint(with: [.read, .hangup, .error, .readHangup]) {
            invoke(loop) { try $0.handleRead() }
        }
        if isSameSocket, interest.contains(.write),
           events.contains(.write) || (!interest.contains(.read) && !events.isDisjoint(with: [.hangup, .error])) {
            invoke(loop) { try $0.handleWrite() }
        }
        if isSameSocket, events.contains(.priority) {
            invoke(loop) { try $0.handleExpt() }
        }
        if isSameSocket, events.contains(.error) {
            if let pending = transport.pendingError(descriptor, ifUnreadable: nil) {
                route(SystemError(.recv, errno: pending))
            }
            loop.settle()
        }
        if isSameSocket, let layer = transport.layer, !layer.bufferedReadPending, layer.hasBufferedInput {
            readBufferedInput(layer, loop: loop)
        }
    }

    /// Lets a layer move its own bytes (a handshake, output it holds) when the
    /// socket is ready for what it asked.
    private func moveLayerBytes(_ layer: TransportLayer, events: ReadyEvents, loop: EventLoop) {
        let needed = layer.neededInterest
        var ready: TransportInterest = []
        if needed.contains(.read), !events.isDisjoint(with: [.read, .hangup, .error, .readHangup]) { ready.insert(.read) }
        if needed.contains(.write), !events.isDisjoint(with: [.write, .hangup, .error]) { ready.insert(.write) }
        guard !ready.isEmpty else { return }
        invoke(loop) { dispatcher throws(SystemError) in try layer.handleReadiness(ready) }
        if let timer = layer.setupTimer, layer.isEstablished {
            timer.cancel()
            layer.setupTimer = nil
        }
    }

    /// Bounds the setup of a layer just installed by its ``TransportLayer/setupTimeout``.
    func limitSetup(of layer: TransportLayer) {
        guard !layer.isEstablished, let limit = layer.setupTimeout else { return }
        let registration = token
        // Strong captures: a weak reference would put the dispatcher and the
        // layer on the runtime's slow reference counting for good. The timer
        // is cancelled when the dispatcher closes, so it keeps neither alive.
        layer.setupTimer = loop.schedule(after: limit) { [self, layer] in
            guard isOpen, token == registration, transport.layer === layer, !layer.isEstablished else { return }
            layer.setupTimer = nil
            handleError(TransportError.setupTimedOut(after: limit))
            loop.settle()
        }
    }

    /// The layer holds input the socket will not announce: read it on the
    /// next pass, without waiting for the socket.
    private func readBufferedInput(_ layer: TransportLayer, loop: EventLoop) {
        let registration = token
        layer.bufferedReadPending = true
        // Strong captures, for the reason given in limitSetup(of:); this one
        // lives for a pass.
        loop.deferUntilNextPass { [self, layer] in
            layer.bufferedReadPending = false
            layer.owesBufferedRead = false
            guard isOpen, token == registration, !inputClosed, transport.layer === layer, layer.hasBufferedInput else { return }
            guard readable() else {
                // Read once reading is wanted again, whenever that is.
                layer.owesBufferedRead = true
                return
            }
            wantedInterest.insert(.read)
            dispatch(.read, loop: self.loop)
        }
    }

    /// Runs `body` as the loop runs a hook: errors are routed to
    /// ``handleClose()`` or ``handleError(_:)``, and closes are reported after.
    package func runAsHook(_ body: () throws -> Void) {
        invoke(loop) { _ in try body() }
    }

    @inline(__always)
    func invoke(_ loop: EventLoop, _ hook: (Dispatcher) throws -> Void) {
        do {
            try hook(self)
        } catch {
            route(error)
        }
        loop.settle()
    }

    /// Where a hook's error goes: a disconnect ends in ``handleClose()``, a
    /// failure of the transport layer reaches ``handleError(_:)`` as the
    /// layer's own error, anything else as it is.
    package func route(_ error: any Error) {
        if let error = error as? SystemError {
            if error.isDisconnect {
                markDisconnected()
                return
            }
            if let failure = transport.layer?.failure {
                handleError(failure)
                return
            }
        }
        handleError(error)
    }

    func markDisconnected() {
        guard !disconnected else { return }
        disconnected = true
        loop.needsAttention(self)
    }

    func markInputClosed() {
        guard !inputClosed else { return }
        inputClosed = true
        loop.needsAttention(self)
    }

    /// Reports what happened during the last handler, once.
    func settle() {
        guard isOpen else { return }
        if disconnected {
            reportClose()
        } else if inputClosed, !endOfInputReported {
            endOfInputReported = true
            invoke(loop) { try $0.handleEndOfInput() }
        }
    }

    /// Calls ``handleClose()`` once per connection, then makes sure its
    /// socket is closed; a socket that ``handleClose()`` connected anew stays open.
    public func reportClose() {
        guard isOpen, !closeReported else { return }
        closeReported = true
        let registration = token
        handleClose()
        if token == registration { close() }
    }

    // MARK: Logging

    /// Writes `log: message` to the loop's logger.
    public func log(_ message: String) {
        loop.log("log: \(message)")
    }

    /// Writes `type: message` to the loop's logger unless `type` is in ``ignoredLogTypes``.
    public func logInfo(_ message: String, type: String = "info") {
        guard !ignoredLogTypes.contains(type) else { return }
        loop.log("\(type): \(message)")
    }
}
