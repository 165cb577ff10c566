import AsyncCore

/// What the application sends: pushes, producers, and how the output ends.
extension ChatChannel {
    /// Queues bytes for the peer and sends what the socket takes now (replies
    /// pushed while input is being handled leave together afterwards).
    /// - Returns: false when the bytes will never be sent: the channel is
    ///   closed, or ``closeWhenDone(then:)`` or ``shutdownOutputWhenDone()``
    ///   was called.
    @discardableResult
    public func push(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The common case: a reply while input is handled, well under the
        // limits. Replies are gathered only while the connection is open and
        // takes pushes, so the checks below are not needed for it.
        if output.gather(bytes, limit: min(highWatermark, maxQueuedOutput)) { return true }
        guard isOpen, output.acceptsPushes else { return false }
        do {
            let report = try output.push(bytes, to: self, sendsAtOnce: input.delivery == .idle, limits: outputLimits)
            if !report.isEmpty { handle(report) }
        } catch {
            route(error)
            return false
        }
        return isOpen
    }

    /// Queues bytes; see ``push(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public func push(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { push($0) }
    }

    /// Queues bytes; see ``push(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public func push(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { push($0) }
    }

    /// Queues a string's UTF-8 bytes; see ``push(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public func push(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { push(UnsafeRawBufferPointer($0)) }
    }

    /// Queues the bytes of any sequence; see ``push(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public func push<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        if let pushed = bytes.withContiguousStorageIfAvailable({ push(UnsafeRawBufferPointer($0)) }) { return pushed }
        return push(Array(bytes))
    }

    /// Queues a producer; it is asked for more as the socket takes its output.
    @discardableResult
    public func push(producer: any Producer) -> Bool {
        guard isOpen, output.acceptsPushes else { return false }
        let report = output.push(producer: producer, limits: outputLimits)
        if !report.isEmpty { handle(report) }
        if isOpen, input.delivery == .idle { flushReportingErrors() }
        return isOpen
    }

    /// Closes the channel once everything pushed before this call is sent;
    /// then `completion` runs and `handleClose()` reports the
    /// close, on a later write event, never inside this call. Reading stops
    /// now; later pushes are refused. If the connection ends before
    /// everything is sent, `completion` never runs.
    public func closeWhenDone(then completion: (() -> Void)? = nil) {
        guard isOpen, !output.isClosePending else { return }
        // Only queued: the next write event reaches it, so the caller's hook
        // finishes before handleClose runs.
        output.closeWhenDone(then: completion)
    }

    /// Sends a FIN once everything pushed before this call is sent: the peer
    /// reads end of input, and this channel keeps reading its replies (a
    /// client that has said everything, say). Later pushes are refused.
    ///
    /// ```swift
    /// channel.push("QUIT\r\n")
    /// channel.shutdownOutputWhenDone()   // then read until the server closes
    /// ```
    public func shutdownOutputWhenDone() {
        guard isOpen, output.acceptsPushes else { return }
        output.halfCloseWhenDone()
        if input.delivery == .idle { flushReportingErrors() }
    }

    /// Puts `layer` between the channel and its socket (STARTTLS) once
    /// everything pushed before this call is sent: the reply that announces
    /// the upgrade still goes out in the clear.
    ///
    /// Input already received is dropped (the rest of the read the command
    /// came in, and anything held back), and nothing more is read until the
    /// layer is in place, so no byte sent in the clear is ever read as if it
    /// came through the layer: what the peer sent before the announcing
    /// reply left is discarded too, as it leaves. What the peer sends once
    /// it has read the reply (a TLS ClientHello, however fast) goes to the
    /// layer. Later pushes go through the layer.
    ///
    /// ```swift
    /// override func foundTerminator() throws {
    ///     if takeIncomingText() == "STARTTLS", let socket {
    ///         push("220 Ready to start TLS\r\n")
    ///         upgradeWhenDone(to: try TLSLayer(socket: socket, context: context))
    ///     }
    /// }
    /// ```
    public func upgradeWhenDone(to layer: TransportLayer) {
        guard isOpen, output.acceptsPushes else { return }
        // The frame being handled (the command) stays the handler's; the
        // rest of its read, and anything held back, goes.
        if input.delivery == .delivering { input.delivery = .discarded } else { input.frame = .empty }
        input.unframed = []
        output.upgradeWhenDone(to: layer)
        if input.delivery == .idle { flushReportingErrors() }
    }

    private func startLayer(_ layer: TransportLayer) {
        // Plaintext the peer sent before the announcing reply left was
        // dropped as it left (ChannelOutput.flush); what came after is the
        // layer's. Nothing was read meanwhile: the upgrade held input back.
        do {
            try upgrade(to: layer)
        } catch {
            route(error)
            return
        }
        // Input waited for the layer; output queued behind the marker goes through it.
        deliverHeldInput()
        if isOpen, input.delivery == .idle { flushReportingErrors() }
    }

    /// Drops all buffered input and queued output (asynchat's `discard_buffers`).
    /// Inside ``foundTerminator()`` that includes the current frame and the
    /// input received after it; input that arrives later is framed as usual.
    /// A pending ``closeWhenDone(then:)`` still closes.
    public func discardBuffers() {
        if input.delivery == .delivering { input.delivery = .discarded }
        input.unframed = []
        input.frame = .empty
        let report = output.removeAll(limits: outputLimits)
        if !report.isEmpty { handle(report) }
    }

    /// Bytes queued for the peer and not yet sent.
    public var queuedOutputCount: Int { output.count }

    /// False while the queued output is above ``highWatermark``, until it
    /// falls to ``lowWatermark``.
    public var isWritable: Bool { output.isWritable }

    var outputLimits: ChannelOutput.Limits {
        ChannelOutput.Limits(highWatermark: highWatermark, lowWatermark: lowWatermark, maxQueued: maxQueuedOutput)
    }

    func sendGatheredReplies() throws(SystemError) {
        let report = try output.sendGathered(to: self, limits: outputLimits)
        if !report.isEmpty { handle(report) }
    }

    func flushOutput() throws(SystemError) {
        let report = try output.flush(to: self, limits: outputLimits)
        if !report.isEmpty { handle(report) }
    }

    func flushReportingErrors() {
        do {
            try flushOutput()
        } catch {
            route(error)
        }
    }

    /// Tells the application what the output reported.
    func handle(_ report: ChannelOutput.Report) {
        if report.contains(.overflowed) {
            handleOutputOverflow()
            return
        }
        if report.contains(.becameUnwritable) { handleWritabilityChange(isWritable: false) }
        if report.contains(.becameWritable) {
            handleWritabilityChange(isWritable: true)
            deliverHeldInput()
        }
        if report.contains(.reachedClose) {
            output.takeCloseCompletion()?()
            reportClose()
        }
        if report.contains(.reachedUpgrade), let layer = output.takeUpgrade() {
            startLayer(layer)
        }
    }
}
