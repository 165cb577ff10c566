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
final class ConnectionChannel: Dispatcher, OutputSink, JobFinishing {
    typealias FrameWaiter = UnsafeContinuation<Result<ArraySlice<UInt8>?, ConnectionError>, Never>
    typealias Waiter = UnsafeContinuation<Result<Void, ConnectionError>, Never>

    /// What a request can tell at once.
    enum Outcome<Value> {
        case ready(Result<Value, ConnectionError>)
        case mustWait
    }

    let options: AsyncConnectionOptions
    @exclusivity(unchecked) private var inbound: InboundFrames
    @exclusivity(unchecked) private var output = ChannelOutput()
    @exclusivity(unchecked) private var readers: [FrameWaiter] = []
    @exclusivity(unchecked) private var writers: [Waiter] = []
    private var closers: [Waiter] = []
    private var shutdowns: [Waiter] = []
    private var connectors: [Waiter] = []
    /// Why the connection ended, once it has: every later request fails with it.
    @exclusivity(unchecked) private var ending: ConnectionError?
    @exclusivity(unchecked) private var flushScheduled = false
    /// A task using the connection was cancelled: waits end at once.
    @exclusivity(unchecked) private var isCancelled = false

    init(socket: Socket, options: AsyncConnectionOptions, loop: EventLoop) throws(SystemError) {
        self.options = options
        inbound = InboundFrames(options: options)
        try super.init(socket: socket, loop: loop)
    }

    /// A channel that is about to connect.
    init(options: AsyncConnectionOptions, loop: EventLoop) {
        self.options = options
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
            if inbound.frameUnframed() || inbound.phase == .peerFinished { _ = inbound.finishIfDrained() }
            switch entry {
            case .frame(let bytes): return .ready(.success(bytes))
            case .overlong: return .ready(.failure(.frameTooLong(limit: options.maxFrameLength)))
            case .pending: preconditionFailure("a frame left pointing into the read buffer")
            }
        }
        if inbound.phase == .finished { return .ready(.success(nil)) }
        if let ending { return .ready(.failure(ending)) }
        return .mustWait
    }

    func waitForFrame(_ reader: FrameWaiter) {
        if isCancelled { return reader.resume(returning: .failure(.cancelled)) }
        readers.append(reader)
    }

    /// The bytes after the last terminator, once the input is finished.
    var unterminatedInput: [UInt8] { inbound.tail }

    private func serveReaders() {
        while !readers.isEmpty, case .ready(let result) = nextFrame() {
            readers.removeFirst().resume(returning: result)
        }
    }

    override func readable() -> Bool {
        !inbound.isFull && inbound.phase == .receiving && !output.isClosePending
    }

    override func handleRead() throws {
        guard readable() else { return }
        try receive(upTo: .max, loop: loop) { bytes in inbound.receive(bytes, borrowed: true) }
        serveReaders()
    }

    override func handleEndOfInput() throws {
        if inbound.phase == .receiving { inbound.phase = .peerFinished }
        _ = inbound.finishIfDrained()
        serveReaders()
    }

    // MARK: Output

    func write(_ bytes: UnsafeRawBufferPointer) -> Outcome<Void> {
        if let ending { return .ready(.failure(ending)) }
        guard output.acceptsPushes else { return .ready(.failure(output.isClosePending ? .closed : .outputShutDown)) }
        let executor = loop.executor
        do {
            let report: ChannelOutput.Report
            if executor.isRunningJob {
                if !output.isGathering, output.isQueueEmpty, !executor.isScratchLent {
                    output.beginGathering(in: loop.scratch)
                    executor.isScratchLent = true
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

    func waitUntilWritable(_ writer: Waiter) {
        if isCancelled { return writer.resume(returning: .failure(.cancelled)) }
        writers.append(writer)
    }

    /// Closes once everything written before is sent.
    func closeWhenDone() -> Outcome<Void> {
        if let ending { return .ready(ending == .closed ? .success(()) : .failure(ending)) }
        if !output.isClosePending {
            output.closeWhenDone(then: nil)
            flushSoon()
        }
        return .mustWait
    }

    func waitForClose(_ closer: Waiter) {
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
        if case .halfClosed = output.ending { return .ready(.success(())) }
        return .mustWait
    }

    func waitForShutdown(_ waiter: Waiter) {
        shutdowns.append(waiter)
    }

    /// The task using the connection was cancelled: its waits end, and the
    /// connection closes once what was written is sent.
    func cancel() {
        isCancelled = true
        let waiting = (readers, writers)
        readers = []
        writers = []
        waiting.0.forEach { $0.resume(returning: .failure(.cancelled)) }
        waiting.1.forEach { $0.resume(returning: .failure(.cancelled)) }
        _ = closeWhenDone()
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
        loop.executor.whenJobFinishes(self)
    }

    private func flushSoon() {
        if loop.executor.isRunningJob {
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

    func waitForConnect(_ waiter: Waiter) {
        if let ending { return waiter.resume(returning: .failure(ending)) }
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

    override func close() {
        guard isOpen else { return }
        if ending == nil { ending = .closed }
        super.close()
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
