import AsyncCore
import Glibc

/// The loop side of an ``AsyncConnection``: a dispatcher that frames its
/// input into a bounded buffer for the consumer and sends what tasks write.
/// Every member is used on the loop's thread only; tasks waiting on it are
/// resumed from there.
///
/// Writes made while a job runs are gathered (in the loop's scratch memory
/// when it is free) and leave in one send when the job ends, so a task that
/// answers a batch of frames before it waits again costs one send.
final class ConnectionChannel: Dispatcher, OutputSink, JobFinishing, AbandonmentObserving {
    typealias Waiter<Value> = TaskResumer<Result<Value, ConnectionError>>

    /// What a request can tell at once.
    enum Outcome<Value> {
        case ready(Result<Value, ConnectionError>)
        case mustWait
    }

    let options: AsyncConnectionOptions
    /// The loop's executor, held here so the hot path never goes through the
    /// `unowned` loop.
    let executor: LoopExecutor
    @exclusivity(unchecked) private var inbound: InboundFrames
    @exclusivity(unchecked) private var output = ChannelOutput()
    @exclusivity(unchecked) private var readers: [Waiter<ArraySlice<UInt8>?>] = []
    @exclusivity(unchecked) private var writers: [Waiter<Void>] = []
    private var closers: [Waiter<Void>] = []
    private var shutdowns: [Waiter<Void>] = []
    private var connectors: [Waiter<Void>] = []
    /// Why the connection ended, once it has: every later request fails with it.
    @exclusivity(unchecked) private var ending: ConnectionError?
    @exclusivity(unchecked) private var flushScheduled = false
    /// A task using the connection was cancelled: waits end at once.
    @exclusivity(unchecked) private var isCancelled = false
    /// Frames arrived that the consumer may take without waiting: it asks
    /// once whether its task was cancelled (a task that waits learns it
    /// from its cancellation handler).
    @exclusivity(unchecked) var checksCancellation = false
    /// The task whose cancellation cancels this connection while it runs
    /// (`LoopExecutor.runningTaskIdentity`; see `AsyncConnection.serve`), so its waits need no
    /// cancellation handler of their own; zero for none.
    @exclusivity(unchecked) var cancellationCoveringTask: UInt = 0

    init(socket: Socket, options: AsyncConnectionOptions, loop: EventLoop) throws(SystemError) {
        self.options = options
        executor = loop.executor
        inbound = InboundFrames(options: options)
        try super.init(socket: socket, loop: loop)
    }

    /// A channel that is about to connect.
    init(options: AsyncConnectionOptions, loop: EventLoop) {
        self.options = options
        executor = loop.executor
        inbound = InboundFrames(options: options)
        super.init(loop: loop)
    }

    private var limits: ChannelOutput.Limits {
        ChannelOutput.Limits(highWatermark: options.highWatermark, lowWatermark: options.lowWatermark, maxQueued: .max)
    }

    // MARK: Input

    /// The next frame: nil once the peer finished sending and every frame
    /// was taken.
    func nextFrame() -> Outcome<ArraySlice<UInt8>?> {
        if let entry = inbound.popFirst() {
            if inbound.hasUnframed || inbound.phase == .peerFinished { refillAfterTaking() }
            switch entry {
            case .frame(let bytes): return .ready(.success(bytes))
            case .overlong: return .ready(.failure(.frameTooLong(limit: options.maxFrameLength)))
            }
        }
        if inbound.phase == .finished { return .ready(.success(nil)) }
        if let ending { return .ready(.failure(ending)) }
        return .mustWait
    }

    /// Frames what waited for room, now that a frame was taken.
    private func refillAfterTaking() {
        _ = inbound.frameUnframed()
        _ = inbound.finishIfDrained()
    }

    func waitForFrame(_ reader: Waiter<ArraySlice<UInt8>?>) {
        if isCancelled { return reader.resume(returning: .failure(.cancelled)) }
        readers.append(reader)
    }

    /// The bytes after the last terminator, once the input is finished.
    var unterminatedInput: [UInt8] { inbound.tail }

    private func serveReaders() {
        while !readers.isEmpty, case .ready(let result) = nextFrame() {
            // Usually one task reads: taking the last is taking the first.
            let reader = readers.count == 1 ? readers.removeLast() : readers.removeFirst()
            reader.resume(returning: result)
            // It waited under a cancellation handler, which covered it until now.
            checksCancellation = false
        }
    }

    override func readable() -> Bool {
        !inbound.isFull && inbound.phase == .receiving && !output.isClosePending
    }

    override func handleRead() throws {
        guard readable() else { return }
        try receive(upTo: .max, loop: loop) { bytes in inbound.receive(bytes, borrowed: true) }
        checksCancellation = true
        if !readers.isEmpty { serveReaders() }
    }

    override func handleEndOfInput() throws {
        if inbound.phase == .receiving { inbound.phase = .peerFinished }
        _ = inbound.finishIfDrained()
        serveReaders()
    }

    // MARK: Output

    /// Queues `bytes`; `.mustWait` when they were queued but the output is
    /// above the high watermark.
    @inline(__always)
    func write(_ bytes: UnsafeRawBufferPointer) -> Outcome<Void> {
        // The common case: a write of a running job, gathered for the send
        // when the job ends. Writes are gathered only while the connection
        // takes them and stays under the high watermark.
        if output.gather(bytes, limit: options.highWatermark) { return .ready(.success(())) }
        return queue(bytes)
    }

    private func queue(_ bytes: UnsafeRawBufferPointer) -> Outcome<Void> {
        if let ending { return .ready(.failure(ending)) }
        guard output.acceptsPushes else { return .ready(.failure(output.isClosePending ? .closed : .outputShutDown)) }
        do {
            let report: ChannelOutput.Report
            if executor.isRunningJob {
                if !output.isGathering, output.isQueueEmpty, let scratch = executor.borrowScratch() {
                    output.beginGathering(in: scratch)
                    // The first write of a job, as a later one is.
                    if output.gather(bytes, limit: options.highWatermark) {
                        scheduleFlush()
                        return .ready(.success(()))
                    }
                }
                report = try output.push(bytes, to: self, sendsAtOnce: false, limits: limits)
                scheduleFlush()
            } else {
                report = try output.push(bytes, to: self, sendsAtOnce: true, limits: limits)
            }
            handle(report)
        } catch {
            fail(error)
        }
        if let ending { return .ready(.failure(ending)) }
        return output.isWritable ? .ready(.success(())) : .mustWait
    }

    func waitUntilWritable(_ writer: Waiter<Void>) {
        if let ending { return writer.resume(returning: .failure(ending)) }
        if isCancelled { return writer.resume(returning: .failure(.cancelled)) }
        if output.isWritable { return writer.resume(returning: .success(())) }
        writers.append(writer)
    }

    /// Closes once everything written before is sent.
    func closeWhenDone() -> Outcome<Void> {
        if let ending { return .ready(ending == .closed ? .success(()) : .failure(ending)) }
        if !output.isClosePending {
            output.closeWhenDone(then: nil)
            flushSoon()
        }
        if let ending { return .ready(ending == .closed ? .success(()) : .failure(ending)) }
        return .mustWait
    }

    func waitForClose(_ closer: Waiter<Void>) {
        if isCancelled { return closer.resume(returning: .failure(.cancelled)) }
        closers.append(closer)
    }

    /// Sends a FIN once everything written before is sent.
    func shutdownOutputWhenDone() -> Outcome<Void> {
        if let ending { return .ready(.failure(ending)) }
        switch output.ending {
        case .halfClosed: return .ready(.success(()))
        case .closePending: return .ready(.failure(.closed))
        case .open:
            output.halfCloseWhenDone()
            flushSoon()
        case .halfClosePending: break
        }
        if let ending { return .ready(.failure(ending)) }
        if case .halfClosed = output.ending { return .ready(.success(())) }
        return .mustWait
    }

    func waitForShutdown(_ waiter: Waiter<Void>) {
        if isCancelled { return waiter.resume(returning: .failure(.cancelled)) }
        shutdowns.append(waiter)
    }

    /// The task using the connection was cancelled: its waits end, and the
    /// connection closes once what was written is sent; at once when it
    /// cannot be sent (not connected yet), or when the task was waiting
    /// for that very close (nobody would wait for a peer that never reads).
    func cancel() {
        isCancelled = true
        let abandonsClose = !closers.isEmpty || !connected
        let waiting = readers.map(AnyWaiter.frame) + (writers + shutdowns + connectors + closers).map(AnyWaiter.done)
        readers = []
        writers = []
        shutdowns = []
        connectors = []
        closers = []
        for waiter in waiting { waiter.resume(throwing: .cancelled) }
        if abandonsClose {
            if ending == nil { ending = .cancelled }
            close()
        } else {
            _ = closeWhenDone()
        }
    }

    override func writable() -> Bool {
        !output.isQueueEmpty
    }

    override func handleWrite() throws {
        try flushOutput()
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        executor.whenJobFinishes(self)
    }

    private func flushSoon() {
        if executor.isRunningJob {
            scheduleFlush()
        } else {
            do { try flushOutput() } catch { fail(error) }
        }
    }

    func jobDidFinish() {
        flushScheduled = false
        do {
            handle(try output.sendGathered(to: self, limits: limits))
            try flushOutput()
        } catch {
            fail(error)
        }
    }

    private func flushOutput() throws(SystemError) {
        handle(try output.flush(to: self, limits: limits))
        if case .halfClosed = output.ending, !shutdowns.isEmpty {
            let waiting = shutdowns
            shutdowns = []
            waiting.forEach { $0.resume(returning: .success(())) }
        }
    }

    private func handle(_ report: ChannelOutput.Report) {
        if report.isEmpty { return }
        if report.contains(.becameWritable), !writers.isEmpty {
            let waiting = writers
            writers = []
            waiting.forEach { $0.resume(returning: .success(())) }
        }
        if report.contains(.reachedClose) {
            ending = .closed
            reportClose()
        }
    }

    // MARK: Connecting

    func waitForConnect(_ waiter: Waiter<Void>) {
        if let ending { return waiter.resume(returning: .failure(ending)) }
        if isCancelled { return waiter.resume(returning: .failure(.cancelled)) }
        if connected { return waiter.resume(returning: .success(())) }
        connectors.append(waiter)
    }

    override func handleConnect() throws {
        let waiting = connectors
        connectors = []
        waiting.forEach { $0.resume(returning: .success(())) }
    }

    // MARK: OutputSink

    var canSend: Bool { isOpen && connected }
    var holdsOutput: Bool { transportHoldsOutput }

    // MARK: Ending

    private func fail(_ error: any Error) {
        if ending == nil {
            if let error = error as? SystemError {
                ending = error.isDisconnect ? .disconnected : .system(error)
            } else {
                ending = .closed
            }
        }
        close()
    }

    override func handleError(_ error: any Error) {
        fail(error)
    }

    override func handleClose() {
        if ending == nil { ending = .disconnected }
        close()
    }

    /// Closes at once. Every path of this channel names its reason first;
    /// one that did not is the loop closing all its dispatchers.
    override func close() {
        guard isOpen else { return }
        if ending == nil { ending = .closedByLoop }
        super.close()
        output.reset()
        resumeAll()
    }

    /// The loop went away with the connection open: the waiting tasks
    /// learn it (without a word to the loop, which is being deinitialized).
    func wasAbandoned() {
        if ending == nil { ending = .closedByLoop }
        output.reset()
        resumeAll()
    }

    /// Every waiting task learns how the connection ended; readers get the
    /// frames received before it first.
    private func resumeAll() {
        let ending = self.ending ?? .closed
        serveReaders()
        let waiting = (readers, writers + shutdowns + connectors, closers)
        readers = []
        writers = []
        shutdowns = []
        connectors = []
        closers = []
        waiting.0.forEach { $0.resume(returning: .failure(ending)) }
        waiting.1.forEach { $0.resume(returning: .failure(ending)) }
        waiting.2.forEach { $0.resume(returning: ending == .closed ? .success(()) : .failure(ending)) }
    }
}

/// A waiting task of either kind, to end their waits in one go.
private enum AnyWaiter {
    case frame(ConnectionChannel.Waiter<ArraySlice<UInt8>?>)
    case done(ConnectionChannel.Waiter<Void>)

    func resume(throwing error: ConnectionError) {
        switch self {
        case .frame(let waiter): waiter.resume(returning: .failure(error))
        case .done(let waiter): waiter.resume(returning: .failure(error))
        }
    }
}
