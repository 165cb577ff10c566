import AsyncCore

/// A dispatcher that frames its input by a terminator and queues its output:
/// asynchat's `async_chat`, bounded and with flow control.
///
/// Input arrives as frames. Bytes up to the ``terminator`` go to
/// ``collectIncomingData(_:)`` (by default kept for you), and at the
/// terminator ``foundTerminator()`` runs. A protocol switches terminators as
/// its state changes — an NNTP client reads `LIST` output up to
/// `"\r\n.\r\n"`, a line protocol reads a body by byte count:
///
/// ```swift
/// final class LineEcho: ChatChannel {
///     override func foundTerminator() throws {
///         let line = takeIncomingData()
///         if line == Array("QUIT".utf8) {
///             push("bye\r\n")
///             closeWhenDone()              // everything pushed before is sent first
///         } else {
///             push(line)
///             push("\r\n")
///         }
///     }
/// }
///
/// final class LineEchoServer: Dispatcher {
///     override func handleAccepted(socket: Socket, address: SocketAddress) throws {
///         let channel = try LineEcho(socket: socket, loop: loop)
///         channel.terminator = .crlf
///     }
/// }
/// ```
///
/// The guarantees, where asynchat had none:
/// - **Bounded input.** A frame longer than ``maxFrameLength`` (64 KiB) is
///   reported once to ``handleFrameOverflow(length:)`` and dropped, or ends the
///   connection (``frameOverflowPolicy``); the channel keeps at most one
///   partial frame per connection, and nothing while idle.
/// - **Bounded output.** Above ``highWatermark`` queued bytes the channel stops
///   reading (a peer that never reads cannot grow memory) until the queue
///   falls to ``lowWatermark``; past ``maxQueuedOutput`` it gives up on the peer.
/// - **Nothing lost.** ``closeWhenDone(then:)`` sends everything pushed before
///   it, then closes. At the peer's end of input, complete frames are
///   delivered, queued output is flushed, then the channel closes; an
///   unterminated tail goes to ``handleUnterminatedInput(_:)``.
/// - **Few syscalls.** Frames that arrive together are handled together and
///   their replies leave in one gather write.
open class ChatChannel: Dispatcher, OutputSink {
    // MARK: Configuration
    // Read on every frame: @exclusivity(unchecked), for the reason given in EventLoop.

    /// Where the current frame ends; see ``Terminator``. Default: ``Terminator/crlf``.
    /// Set inside a handler, it frames the very next byte; set outside the
    /// channel's handlers, it frames the bytes already received on the
    /// loop's next pass, before any new input. It is the application's: a
    /// terminator set in any hook wins over the channel's own count-down of a
    /// ``Terminator/count(_:)``, and it carries over to a new connection.
    /// Set while an overlong frame is being dropped (in
    /// ``handleFrameOverflow(length:)``, say), it takes effect once that
    /// frame ends.
    public var terminator: Terminator {
        get {
            if case .discarding(let next?) = input.frame { return next }
            return framer.terminator
        }
        set {
            if case .count(let count) = newValue { precondition(count >= 0, "a byte count terminator must not be negative") }
            if case .discarding = input.frame {
                input.frame = .discarding(next: newValue)
                return
            }
            framer.terminator = newValue
            // Bytes held back as a possible partial terminator may complete,
            // or be data under, the new one; a peer waiting for our reply
            // would never send the bytes that would frame them otherwise.
            if input.delivery == .idle { deliverHeldInput() }
        }
    }

    // Stored in an order that leaves little padding: every connection pays
    // for these bytes while it is idle.

    /// The most bytes the channel keeps for one frame. Default: 64 KiB.
    @exclusivity(unchecked) public var maxFrameLength = 65536
    /// Queued output above which the channel reports itself unwritable and,
    /// with ``pausesReadingWhenOutputIsFull``, stops reading. Default: 1 MiB.
    @exclusivity(unchecked) public var highWatermark = 1 << 20
    /// Queued output at or below which the channel is writable again. Default: 256 KiB.
    @exclusivity(unchecked) public var lowWatermark = 256 << 10
    /// Queued output beyond which ``handleOutputOverflow()`` runs. Default: 64 MiB.
    @exclusivity(unchecked) public var maxQueuedOutput = 64 << 20

    // MARK: State
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.

    @exclusivity(unchecked) private var framer = InputFramer()
    /// What happens to a frame longer than ``maxFrameLength``.
    @exclusivity(unchecked) public var frameOverflowPolicy = FrameOverflowPolicy.discardFrame
    /// Whether the channel stops reading, and delivering frames already
    /// received, while its output is above the high watermark; they are
    /// delivered once it falls to the low watermark. Default: true.
    @exclusivity(unchecked) public var pausesReadingWhenOutputIsFull = true
    /// Counts connections, so that work begun for one never touches the next
    /// (a handler may close the channel and connect it again).
    @exclusivity(unchecked) private var connection: UInt32 = 0
    /// This connection's input; a new connection starts with a fresh one.
    @exclusivity(unchecked) var input = ChannelInput()
    @exclusivity(unchecked) var output = ChannelOutput()
    @exclusivity(unchecked) var idle: IdleTimeout?

    /// Ends a connection that has received nothing for this long (see
    /// ``handleIdleTimeout()``), counted from the last input or from when it
    /// is set, also before `connect(to:)`; nil, the default, never does.
    public var idleTimeout: Duration? {
        get { idle?.duration }
        set {
            idle?.cancel()
            idle = newValue.map { IdleTimeout(duration: $0, now: loop.clock.now) }
            armIdleTimer()
        }
    }

    // MARK: Input hooks

    /// Receives the bytes of the current frame, in order, never empty. The
    /// default keeps them (up to ``maxFrameLength``) for ``takeIncomingData()``.
    /// An override that streams the bytes elsewhere takes over bounding them;
    /// `data` is only valid during the call unless copied (`Array(data)`).
    open func collectIncomingData(_ data: ArraySlice<UInt8>) {
        let length = input.frame.count + data.count
        guard length <= maxFrameLength else {
            overflowFrame(length: length)
            return
        }
        input.frame.append(data)
    }

    /// The terminator was reached: the frame is complete. Read it with
    /// ``takeIncomingData()`` or ``incomingData``; what is left of it is
    /// dropped when this returns. Called for empty frames too.
    open func foundTerminator() throws {
        logInfo("unhandled frame of \(input.frame.count) bytes", type: "warning")
    }

    /// A frame grew past ``maxFrameLength``; `length` is how long it was when
    /// that was noticed. Called once per frame, before the frame is dropped or
    /// the channel closes. The default logs a warning (ignored by default).
    ///
    /// The rest of the frame is dropped up to its end: the terminator in
    /// force when it began, or the rest of a byte count. A terminator set
    /// here applies after that, so a length-prefixed protocol skips the
    /// whole body and reads its next header:
    ///
    /// ```swift
    /// override func handleFrameOverflow(length: Int) {
    ///     push("500 body too long\r\n")
    ///     terminator = .crlf           // after the body: the next header line
    /// }
    /// ```
    open func handleFrameOverflow(length: Int) {
        logInfo("frame of \(length) bytes exceeds the limit of \(maxFrameLength)", type: "warning")
    }

    /// The peer finished sending in the middle of a frame: `tail` is the
    /// unterminated rest (what the default collector kept, plus any partial
    /// terminator). The default logs a warning (ignored by default).
    open func handleUnterminatedInput(_ tail: [UInt8]) {
        logInfo("\(tail.count) unterminated bytes at end of input", type: "warning")
    }

    /// Nothing arrived for ``idleTimeout``. The default closes the channel
    /// once its queued output is sent; if an override keeps the connection,
    /// the next idle period starts now.
    open func handleIdleTimeout() throws {
        closeWhenDone()
    }

    /// The queued output crossed ``highWatermark`` (`false`) or fell back to
    /// ``lowWatermark`` (`true`).
    open func handleWritabilityChange(isWritable: Bool) {}

    /// The queued output passed ``maxQueuedOutput``: the peer is not reading.
    /// The default logs one line and ends the connection at once, dropping
    /// the queue; `handleClose()` reports it, as for any other end.
    open func handleOutputOverflow() {
        logInfo("\(self) queued more than \(maxQueuedOutput) bytes of output; closing", type: "error")
        reportClose()
    }

    // MARK: Reading

    public final override func handleRead() throws {
        guard !isInputHeld, !output.isClosePending else { return }
        let loop = self.loop
        try receive(upTo: .max, loop: loop) { bytes in
            if let idle { idle.lastActivity = loop.clock.now }
            try deliver(bytes, loop: loop)
        }
    }

    /// Reading is wanted unless paused, closing, or held back by full output.
    /// An override should combine its condition with `super.readable()`.
    open override func readable() -> Bool {
        !isInputHeld && !output.isClosePending
    }

    /// True while input waits, both in the socket and already received:
    /// reading is paused, the output is above the high watermark, or a
    /// transport layer waits to start.
    var isInputHeld: Bool {
        input.isPaused || (pausesReadingWhenOutputIsFull && !output.isWritable) || output.isUpgradePending
    }

    open override func writable() -> Bool {
        !output.isQueueEmpty
    }

    /// Stops reading from the socket and delivering frames already received,
    /// until ``resumeReading()``.
    public func pauseReading() {
        input.isPaused = true
    }

    /// Resumes reading; frames received while paused are delivered on the
    /// loop's next pass, before new input.
    public func resumeReading() {
        guard input.isPaused else { return }
        input.isPaused = false
        deliverHeldInput()
    }

    /// Delivers on the loop's next pass what arrived while input was held:
    /// frames, and the end of input.
    func deliverHeldInput() {
        guard isOpen, !isInputHeld, !input.unframed.isEmpty || input.phase == .peerFinished else { return }
        let current = connection
        loop.deferUntilNextPass { [weak self] in
            guard let self, self.isOpen, self.connection == current else { return }
            self.runAsHook { try self.deliver([], loop: self.loop) }
        }
    }

    /// Frames `bytes` (after anything kept from earlier reads), then sends the
    /// replies the handlers pushed, in one go.
    private func deliver(_ bytes: ArraySlice<UInt8>, loop: EventLoop) throws {
        guard input.unframed.isEmpty else {
            input.unframed.append(contentsOf: bytes)
            let window = input.unframed[...]
            input.unframed = []
            try deliver(window: window, loop: loop)
            return
        }
        try deliver(window: bytes, loop: loop)
    }

    private func deliver(window: ArraySlice<UInt8>, loop: EventLoop) throws {
        let current = connection
        input.delivery = .delivering
        if connected { output.beginGathering(in: loop.scratch) }
        var consumed = 0
        do {
            try frame(window, consumed: &consumed, connection: current)
        } catch {
            keep(window, from: consumed, connection: current)
            // Replies to the frames handled before the failure still go out,
            // as they would have had those frames arrived in earlier reads.
            if connection == current {
                try? sendGatheredReplies()
                try? flushOutput()
            }
            output.dropGathered()
            throw error
        }
        keep(window, from: consumed, connection: current)
        guard connection == current else {
            output.dropGathered()
            return
        }
        if input.phase == .peerFinished { finishInput() }
        try sendGatheredReplies()
        try flushOutput()
    }

    /// Ends a delivery: keeps what could not be framed yet, and nothing that
    /// points into the loop's shared read buffer.
    private func keep(_ window: ArraySlice<UInt8>, from consumed: Int, connection current: UInt32) {
        guard connection == current else { return }
        if input.delivery == .delivering, consumed < window.count {
            input.unframed = Array(window[(window.startIndex + consumed)...])
        }
        input.delivery = .idle
        input.frame.own()
    }

    /// Hands out frames one piece at a time, with the terminator in force at
    /// that moment, until the window is used up, a handler holds input back,
    /// or the connection ends (`close()` moves `connection` on).
    private func frame(_ window: ArraySlice<UInt8>, consumed: inout Int, connection current: UInt32) throws {
        try window.withUnsafeBytes { raw in
            while input.delivery == .delivering, connection == current, !isInputHeld, !output.isClosePending,
                  let piece = framer.nextPiece(in: UnsafeRawBufferPointer(rebasing: raw[consumed...])) {
                let start = window.startIndex &+ consumed
                consumed &+= piece.consumed
                if piece.dataCount > 0 { collect(window[start..<(start &+ piece.dataCount)]) }
                if piece.endsFrame { try endFrame() }
            }
        }
    }

    private func collect(_ data: ArraySlice<UInt8>) {
        if case .discarding = input.frame { return }
        collectIncomingData(data)
    }

    private func endFrame() throws {
        if case .discarding(let next) = input.frame {
            input.frame = .empty
            if let next { framer.terminator = next }
            return
        }
        try foundTerminator()
        clearFrame()
    }

    // MARK: End of input

    /// The peer finished sending: frames already received are delivered,
    /// queued output is flushed, then the channel closes.
    open override func handleEndOfInput() throws {
        if input.phase == .receiving { input.phase = .peerFinished }
        finishInput()
    }

    // MARK: Output (the API is in ChatChannel+Output.swift)

    public final override func handleWrite() throws {
        try flushOutput()
    }

    // MARK: OutputSink

    var canSend: Bool { isOpen && connected }
    var holdsOutput: Bool { transportHoldsOutput }

    // MARK: Connections

    /// A new connection starts with nothing of the last one: no input, no
    /// output, no pause, no pending close; the idle period starts now.
    open override func handleNewSocket() {
        resetConnectionState()
        armIdleTimer()
    }

    /// Puts `layer` between the channel and its socket now, dropping input
    /// already received; ``upgradeWhenDone(to:)`` first sends what was pushed.
    open override func upgrade(to layer: TransportLayer) throws(TransportError) {
        try super.upgrade(to: layer)
        // The frame being handled (the command) stays the handler's; the
        // rest of its read, and anything held back, goes.
        if input.delivery == .delivering { input.delivery = .discarded } else { input.frame = .empty }
        input.unframed = []
    }

    /// Closes at once, dropping buffered input and queued output.
    open override func close() {
        resetConnectionState()
        idle?.cancel()
        super.close()
    }

    private func resetConnectionState() {
        connection &+= 1
        input = ChannelInput()
        // Not everything was sent; and a close completion often captures the channel.
        output.reset()
    }

    /// The connection ended; the default just closes (no warning, as asynchat).
    open override func handleClose() {
        close()
    }
}
