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
open class ChatChannel: Dispatcher {
    // MARK: Configuration
    // Read on every frame: @exclusivity(unchecked), for the reason given in EventLoop.

    /// Where the current frame ends; see ``Terminator``. Default: ``Terminator/crlf``.
    /// Set outside the channel's handlers, it frames the bytes already
    /// received on the loop's next pass, before any new input.
    @exclusivity(unchecked) public var terminator: Terminator = .crlf {
        didSet {
            if case .count(let count) = terminator { precondition(count >= 0, "a byte count terminator must not be negative") }
            // Bytes held back as a possible partial terminator may complete,
            // or be data under, the new one; a peer waiting for our reply
            // would never send the bytes that would frame them otherwise.
            if !deliveringInput { deliverHeldInput() }
        }
    }

    /// The most bytes the channel keeps for one frame. Default: 64 KiB.
    @exclusivity(unchecked) public var maxFrameLength = 65536
    /// What happens to a frame longer than ``maxFrameLength``.
    @exclusivity(unchecked) public var frameOverflowPolicy = FrameOverflowPolicy.discardFrame
    /// Queued output above which the channel reports itself unwritable and,
    /// with ``pausesReadingWhenOutputIsFull``, stops reading. Default: 1 MiB.
    @exclusivity(unchecked) public var highWatermark = 1 << 20
    /// Queued output at or below which the channel is writable again. Default: 256 KiB.
    @exclusivity(unchecked) public var lowWatermark = 256 << 10
    /// Whether the channel stops reading, and delivering frames already
    /// received, while its output is above the high watermark; they are
    /// delivered once it falls to the low watermark. Default: true.
    @exclusivity(unchecked) public var pausesReadingWhenOutputIsFull = true
    /// Queued output beyond which ``handleOutputOverflow()`` runs. Default: 64 MiB.
    @exclusivity(unchecked) public var maxQueuedOutput = 64 << 20
    /// Ends a connection that has received nothing for this long (see
    /// ``handleIdleTimeout()``), counted from the last input or from when it
    /// is set, also before ``Dispatcher/connect(to:)``; nil, the default, never does.
    @exclusivity(unchecked) public var idleTimeout: Duration? {
        didSet { armIdleTimer() }
    }

    // MARK: State
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.

    /// Received bytes not yet framed: a possible partial terminator, or
    /// everything that arrived while reading was paused.
    @exclusivity(unchecked) private var unframed: [UInt8] = []
    /// The current frame's bytes kept by the default collector.
    @exclusivity(unchecked) private var incoming: ArraySlice<UInt8> = []
    /// True while `incoming` is a slice of the loop's shared read buffer.
    @exclusivity(unchecked) private var incomingIsBorrowed = false
    @exclusivity(unchecked) private var discardingFrame = false
    @exclusivity(unchecked) private var output: OutputQueue?
    @exclusivity(unchecked) private var readingPaused = false
    @exclusivity(unchecked) private var closing = false
    @exclusivity(unchecked) private var peerFinished = false
    @exclusivity(unchecked) private var inputFinished = false
    @exclusivity(unchecked) private var deliveringInput = false
    /// True while input is handled with nothing queued before it: replies go
    /// to the loop's reply buffer and leave in one send when handling ends.
    @exclusivity(unchecked) private var gatheringReplies = false
    /// Set by ``shutdownOutputWhenDone()``: a FIN follows the queued output.
    @exclusivity(unchecked) private var outputFinishing = false
    private var outputShutDown = false
    /// Set by ``discardBuffers()`` while input is being framed: the rest of
    /// the bytes being framed is dropped too.
    @exclusivity(unchecked) private var inputDiscarded = false
    @exclusivity(unchecked) public private(set) var isWritable = true
    private var closeCompletion: (() -> Void)?
    private var idleTimer: LoopTimer?
    @exclusivity(unchecked) private var lastActivity = LoopInstant(nanoseconds: 0)

    // MARK: Input hooks

    /// Receives the bytes of the current frame, in order, never empty. The
    /// default keeps them (up to ``maxFrameLength``) for ``takeIncomingData()``.
    /// An override that streams the bytes elsewhere takes over bounding them;
    /// `data` is only valid during the call unless copied (`Array(data)`).
    open func collectIncomingData(_ data: ArraySlice<UInt8>) {
        let length = incoming.count + data.count
        guard length <= maxFrameLength else {
            overflowFrame(length: length)
            return
        }
        if incoming.isEmpty {
            incoming = data
            incomingIsBorrowed = true
        } else {
            incoming.append(contentsOf: data)
            incomingIsBorrowed = false
        }
    }

    /// The terminator was reached: the frame is complete. Read it with
    /// ``takeIncomingData()`` or ``incomingData``; what is left of it is
    /// dropped when this returns. Called for empty frames too.
    open func foundTerminator() throws {
        logInfo("unhandled frame of \(incoming.count) bytes", type: "warning")
    }

    /// A frame grew past ``maxFrameLength``; `length` is how long it was when
    /// that was noticed. Called once per frame, before the frame is dropped or
    /// the channel closes. The default logs a warning (ignored by default).
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
    /// the queue; ``Dispatcher/handleClose()`` reports it, as for any other end.
    open func handleOutputOverflow() {
        logInfo("\(self) queued more than \(maxQueuedOutput) bytes of output; closing", type: "error")
        reportClose()
    }

    // MARK: Collected input

    /// The bytes the default collector kept for the current frame.
    public var incomingData: ArraySlice<UInt8> { incoming }

    /// Takes the current frame's bytes, leaving the collector empty.
    public func takeIncomingData() -> [UInt8] {
        defer { clearIncoming() }
        return Array(incoming)
    }

    /// Takes the current frame as text, or nil when it is not valid UTF-8.
    public func takeIncomingText() -> String? {
        defer { clearIncoming() }
        return String(validating: incoming, as: UTF8.self)
    }

    private func clearIncoming() {
        incoming = []
        incomingIsBorrowed = false
    }

    // MARK: Reading

    public final override func handleRead() throws {
        guard !inputHeld, !closing else { return }
        let count = try recvIntoLoopBuffer()
        guard count > 0 else { return }
        if idleTimeout != nil { lastActivity = loop.clock.now }
        try deliver(loop.readBytes(count))
    }

    /// Reading is wanted unless paused, closing, or held back by full output.
    /// An override should combine its condition with `super.readable()`.
    open override func readable() -> Bool {
        !inputHeld && !closing
    }

    /// True while input waits, both in the socket and already received:
    /// reading is paused, or the output is above the high watermark.
    private var inputHeld: Bool {
        readingPaused || (pausesReadingWhenOutputIsFull && !isWritable)
    }

    open override func writable() -> Bool {
        !(output?.isEmpty ?? true)
    }

    /// Stops reading from the socket and delivering frames already received,
    /// until ``resumeReading()``.
    public func pauseReading() {
        readingPaused = true
    }

    /// Resumes reading; frames received while paused are delivered on the
    /// loop's next pass, before new input.
    public func resumeReading() {
        guard readingPaused else { return }
        readingPaused = false
        deliverHeldInput()
    }

    /// Delivers on the loop's next pass what arrived while input was held:
    /// frames, and the end of input.
    private func deliverHeldInput() {
        guard !inputHeld, !unframed.isEmpty || peerFinished else { return }
        loop.deferUntilNextPass { [weak self] in
            guard let self, self.isOpen else { return }
            self.runAsHook { try self.deliver([]) }
        }
    }

    /// Frames `bytes` (after anything kept from earlier reads), then sends the
    /// replies the handlers pushed, in one go.
    private func deliver(_ bytes: ArraySlice<UInt8>) throws {
        var window: ArraySlice<UInt8>
        if unframed.isEmpty {
            window = bytes
        } else {
            unframed.append(contentsOf: bytes)
            window = unframed[...]
            unframed = []
        }
        deliveringInput = true
        gatheringReplies = connected && (output?.isEmpty ?? true)
        defer {
            deliveringInput = false
            if gatheringReplies {
                gatheringReplies = false
                loop.clearReplies()
            }
            if inputDiscarded {
                inputDiscarded = false
                window = []
            }
            // Keep nothing that points into the loop's shared read buffer.
            if !window.isEmpty, isOpen { unframed = Array(window) }
            if incomingIsBorrowed {
                incoming = incoming.isEmpty ? [] : ArraySlice(Array(incoming))
                incomingIsBorrowed = false
            }
        }
        do {
            try frame(&window)
        } catch {
            // Replies to the frames handled before the failure still go out,
            // as they would have had those frames arrived in earlier reads.
            try? sendGatheredReplies()
            _ = try? sendQueuedOutput()
            throw error
        }
        if inputDiscarded {
            inputDiscarded = false
            window = []
        }
        if !window.isEmpty, isOpen {
            unframed = Array(window)
            window = []
        }
        if peerFinished { finishInput() }
        try sendGatheredReplies()
        try flushOutput()
    }

    /// The terminator algorithm. Each pass of the loop handles one frame (or
    /// the part of one that has arrived) with the terminator in force then,
    /// so a terminator changed by `foundTerminator` applies to the very next byte.
    private func frame(_ window: inout ArraySlice<UInt8>) throws {
        while !window.isEmpty, isOpen, !inputHeld, !closing, !inputDiscarded {
            switch terminator {
            case .none, .count(0), .bytes([]):
                // No framing: everything is data.
                collect(window)
                window = window[window.endIndex...]
            case .count(let wanted):
                // A byte count: take what is here, count down across reads,
                // and after the last byte fall back to no framing.
                let taken = min(wanted, window.count)
                collect(window.prefix(taken))
                window = window.dropFirst(taken)
                if taken == wanted {
                    terminator = .none
                    try endFrame()
                } else {
                    terminator = .count(wanted - taken)
                }
            case .bytes(let sequence):
                if try !frameUntil(sequence, in: &window, droppingCR: false) { return }
            case .crlfOrLF:
                if try !frameUntil([10], in: &window, droppingCR: true) { return }
            }
        }
    }

    /// Handles one frame ended by `sequence`; false when the window ends
    /// before the terminator, with any partial terminator left in the window.
    private func frameUntil(_ sequence: [UInt8], in window: inout ArraySlice<UInt8>, droppingCR: Bool) throws -> Bool {
        let found = window.withUnsafeBytes { TerminatorScanner.firstIndex(of: sequence, in: $0) }
        if let offset = found {
            let terminatorStart = window.startIndex + offset
            var frameEnd = terminatorStart
            if droppingCR, frameEnd > window.startIndex, window[frameEnd - 1] == 13 { frameEnd -= 1 }
            if frameEnd > window.startIndex { collect(window[window.startIndex..<frameEnd]) }
            window = window[(terminatorStart + sequence.count)...]
            try endFrame()
            return true
        }
        // No terminator: pass on all but a tail that may be the start of one.
        var held = window.withUnsafeBytes { TerminatorScanner.partialSuffixLength(of: sequence, in: $0) }
        if droppingCR, window.last == 13 { held = 1 }
        let dataEnd = window.endIndex - held
        if dataEnd > window.startIndex { collect(window[window.startIndex..<dataEnd]) }
        window = window[dataEnd...]
        return false
    }

    private func collect(_ data: ArraySlice<UInt8>) {
        guard !discardingFrame, !data.isEmpty else { return }
        collectIncomingData(data)
    }

    private func endFrame() throws {
        if discardingFrame {
            discardingFrame = false
            return
        }
        try foundTerminator()
        clearIncoming()
    }

    private func overflowFrame(length: Int) {
        discardingFrame = true
        clearIncoming()
        handleFrameOverflow(length: length)
        if frameOverflowPolicy == .close { closeWhenDone() }
    }

    // MARK: End of input

    /// The peer finished sending: frames already received are delivered,
    /// queued output is flushed, then the channel closes.
    open override func handleEndOfInput() throws {
        peerFinished = true
        finishInput()
    }

    private func finishInput() {
        guard !inputFinished, !inputHeld else { return }
        inputFinished = true
        // An overlong frame was reported already: none of it is a tail, not
        // even a partial terminator held back after it.
        var tail: [UInt8] = []
        if !discardingFrame {
            tail = Array(incoming)
            tail.append(contentsOf: unframed)
        }
        clearIncoming()
        unframed = []
        if !tail.isEmpty { handleUnterminatedInput(tail) }
        closeWhenDone()
    }

    // MARK: Output

    /// Queues bytes for the peer and sends what the socket takes now (replies
    /// pushed while input is being handled leave together afterwards).
    /// - Returns: false when the bytes will never be sent: the channel is
    ///   closed or ``closeWhenDone(then:)`` was called.
    @discardableResult
    public func push(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard isOpen, !closing, !outputFinishing else { return false }
        if gatheringReplies {
            if loop.appendReply(bytes) {
                outputGrew()
                return isOpen
            }
            queueGatheredReplies()
            outputQueue().append(bytes)
        } else if !deliveringInput, connected, output?.isEmpty ?? true {
            // Nothing queued before it: send at once and queue only what the socket did not take.
            do {
                let sent = try send(bytes)
                if sent == bytes.count || !isOpen { return isOpen }
                outputQueue().append(UnsafeRawBufferPointer(rebasing: bytes[sent...]))
            } catch {
                handleError(error)
                return false
            }
        } else {
            outputQueue().append(bytes)
        }
        outputGrew()
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
        guard isOpen, !closing, !outputFinishing else { return false }
        queueGatheredReplies()
        outputQueue().append(producer: producer)
        outputGrew()
        return isOpen
    }

    /// Closes the channel once everything pushed before this call is sent;
    /// then `completion` runs and ``Dispatcher/handleClose()`` reports the
    /// close, on a later write event, never inside this call. Reading stops
    /// now; later pushes are refused. If the connection ends before
    /// everything is sent, `completion` never runs.
    public func closeWhenDone(then completion: (() -> Void)? = nil) {
        guard isOpen, !closing else { return }
        closing = true
        closeCompletion = completion
        queueGatheredReplies()
        // Only queued: the next write event reaches it, so the caller's hook
        // finishes before handleClose runs.
        outputQueue().appendClose()
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
        guard isOpen, !closing, !outputFinishing else { return }
        outputFinishing = true
        queueGatheredReplies()
        guard !deliveringInput else { return }
        do {
            try flushOutput()
        } catch {
            handleError(error)
        }
    }

    /// Drops all buffered input and queued output (asynchat's `discard_buffers`).
    /// Inside ``foundTerminator()`` that includes the current frame and the
    /// input received after it; input that arrives later is framed as usual.
    public func discardBuffers() {
        if deliveringInput { inputDiscarded = true }
        if gatheringReplies { loop.clearReplies() }
        unframed = []
        clearIncoming()
        discardingFrame = false
        output?.removeAll()
        outputShrank()
    }

    /// Bytes queued for the peer and not yet sent.
    public var queuedOutputCount: Int {
        (output?.byteCount ?? 0) + (gatheringReplies ? loop.replies.count : 0)
    }

    /// Moves the gathered replies into the queue: something that must follow
    /// them (a producer, the close) is about to be queued.
    private func queueGatheredReplies() {
        guard gatheringReplies else { return }
        gatheringReplies = false
        let loop = self.loop
        if !loop.replies.isEmpty {
            outputQueue().append(loop.replies)
            loop.clearReplies()
        }
    }

    /// Sends the gathered replies with one call and queues what the socket did not take.
    private func sendGatheredReplies() throws(SystemError) {
        guard gatheringReplies else { return }
        gatheringReplies = false
        let loop = self.loop
        defer { loop.clearReplies() }
        let replies = loop.replies
        guard !replies.isEmpty, isOpen else { return }
        let sent = try send(replies)
        if sent < replies.count, isOpen { outputQueue().append(UnsafeRawBufferPointer(rebasing: replies[sent...])) }
        outputShrank()
    }

    public final override func handleWrite() throws {
        try flushOutput()
    }

    private func outputQueue() -> OutputQueue {
        if let output { return output }
        let queue = OutputQueue()
        output = queue
        return queue
    }

    private func outputGrew() {
        let queued = queuedOutputCount
        if queued > maxQueuedOutput {
            handleOutputOverflow()
            return
        }
        if isWritable, queued > highWatermark {
            isWritable = false
            handleWritabilityChange(isWritable: false)
        }
        guard !deliveringInput else { return }
        do {
            try flushOutput()
        } catch {
            handleError(error)
        }
    }

    private func outputShrank() {
        guard !isWritable, queuedOutputCount <= lowWatermark else { return }
        isWritable = true
        handleWritabilityChange(isWritable: true)
        deliverHeldInput()
    }

    private func flushOutput() throws(SystemError) {
        let outcome = try sendQueuedOutput()
        if outputFinishing, !outputShutDown, connected, output?.isEmpty ?? true, isOpen {
            outputShutDown = true
            try shutdownOutput()
        }
        guard outcome == .reachedClose else { return }
        let completion = closeCompletion
        closeCompletion = nil
        completion?()
        reportClose()
    }

    /// Sends what the socket takes of the queue, stopping at a close marker.
    private func sendQueuedOutput() throws(SystemError) -> OutputQueue.WriteOutcome {
        guard let output, isOpen, connected else { return .blocked }
        let outcome = try output.write { vectors throws(SystemError) in try send(vectors: vectors) }
        outputShrank()
        return outcome
    }

    // MARK: Closing

    /// Closes at once, dropping buffered input and queued output.
    open override func close() {
        if gatheringReplies {
            gatheringReplies = false
            loop.clearReplies()
        }
        idleTimer?.cancel()
        idleTimer = nil
        // Not everything was sent; and the completion often captures the channel.
        closeCompletion = nil
        output?.removeAll()
        output = nil
        unframed = []
        clearIncoming()
        super.close()
    }

    /// The connection ended; the default just closes (no warning, as asynchat).
    open override func handleClose() {
        close()
    }

    // MARK: Idle timeout

    private func armIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
        // Armed before the socket exists too: a client sets it, then connects.
        guard let idleTimeout else { return }
        lastActivity = loop.clock.now
        idleTimer = loop.schedule(after: idleTimeout) { [weak self] in self?.idleTimerFired() }
    }

    private func idleTimerFired() {
        guard let idleTimeout, isOpen else { return }
        let due = lastActivity.advanced(by: idleTimeout)
        if loop.clock.now >= due {
            idleTimer = nil
            runAsHook { try handleIdleTimeout() }
            // A handler that keeps the connection gets a new idle period.
            if idleTimer == nil, isOpen, !closing { armIdleTimer() }
        } else {
            idleTimer = loop.schedule(at: due) { [weak self] in self?.idleTimerFired() }
        }
    }
}
