import AsyncCore
import Glibc

/// The output side of a ``ChatChannel``: replies gathered while input is
/// handled, the queue behind them, the watermarks, and how the output ends
/// (a close or a half-close once everything pushed before it is sent).
///
/// ```
/// push ──▶ gathered replies (the loop's buffer, during input handling)
///      ──▶ queue: bytes | producer | bytes | close marker
///      ──▶ sink: one gather write per pass; FIN or close once drained
/// ```
/// It never calls the application: what the channel must report (a
/// writability change, an overflow, the close) comes back as a ``Report``.
struct ChannelOutput {
    /// How the output ends; only `.open` takes pushes.
    enum Ending {
        case open
        /// A FIN follows the queued output.
        case halfClosePending
        /// The FIN was sent.
        case halfClosed
        /// The channel closes once the queue up to its close marker is sent;
        /// then the completion runs.
        case closePending((() -> Void)?)
    }

    /// What the channel must tell the application after an output operation.
    struct Report: OptionSet {
        let rawValue: UInt8
        static let becameUnwritable = Report(rawValue: 1)
        static let becameWritable = Report(rawValue: 2)
        /// More than the limit is queued: the peer is not reading.
        static let overflowed = Report(rawValue: 4)
        /// The close marker was reached: run the completion and close.
        static let reachedClose = Report(rawValue: 8)
    }

    struct Limits {
        var highWatermark: Int
        var lowWatermark: Int
        var maxQueued: Int
    }

    // Hot state is @exclusivity(unchecked) in the channel that holds this.
    private(set) var ending = Ending.open
    private(set) var isWritable = true
    private var queue: OutputQueue?
    /// The loop's buffer while replies are gathered in it: input is being
    /// handled and nothing was queued before.
    private var gathered: ScratchBuffer?

    var acceptsPushes: Bool {
        if case .open = ending { return true }
        return false
    }

    var isClosePending: Bool {
        if case .closePending = ending { return true }
        return false
    }

    var isGathering: Bool { gathered != nil }

    /// Nothing is queued; gathered replies do not count.
    var isQueueEmpty: Bool { queue?.isEmpty ?? true }

    /// Bytes pushed and not yet sent, gathered ones included.
    var count: Int { (queue?.byteCount ?? 0) + (gathered?.count ?? 0) }

    // MARK: Gathering

    /// Starts gathering replies in `buffer` when nothing is queued.
    mutating func beginGathering(in buffer: ScratchBuffer) {
        if isQueueEmpty { gathered = buffer }
    }

    /// Sends the gathered replies with one call and queues what the sink did
    /// not take. The buffer is empty again afterwards, whatever happens.
    mutating func sendGathered<Sink: OutputSink>(to sink: Sink, limits: Limits) throws(SystemError) -> Report {
        guard let buffer = gathered else { return [] }
        gathered = nil
        defer { buffer.removeAll() }
        guard !buffer.isEmpty, sink.canSend else { return [] }
        let replies = buffer.bytes
        let sent = try sink.send(replies)
        if sent < replies.count, sink.canSend { makeQueue().append(UnsafeRawBufferPointer(rebasing: replies[sent...])) }
        return shrank(limits)
    }

    /// Stops gathering, dropping what was gathered.
    mutating func dropGathered() {
        gathered?.removeAll()
        gathered = nil
    }

    /// Moves the gathered replies into the queue: something that must follow
    /// them (a producer, a close) is about to be queued.
    private mutating func queueGathered() {
        guard let buffer = gathered else { return }
        gathered = nil
        if !buffer.isEmpty { makeQueue().append(buffer.bytes) }
        buffer.removeAll()
    }

    // MARK: Pushing

    /// Adds `bytes` behind everything pushed before: gathered, sent at once
    /// when `sendsAtOnce` and nothing is queued, or queued.
    mutating func push<Sink: OutputSink>(
        _ bytes: UnsafeRawBufferPointer, to sink: Sink, sendsAtOnce: Bool, limits: Limits
    ) throws(SystemError) -> Report {
        if let buffer = gathered {
            if buffer.append(bytes) { return grew(limits) }
            queueGathered()
            makeQueue().append(bytes)
        } else if sendsAtOnce, isQueueEmpty, sink.canSend {
            let sent = try sink.send(bytes)
            guard sent < bytes.count, sink.canSend else { return [] }
            makeQueue().append(UnsafeRawBufferPointer(rebasing: bytes[sent...]))
        } else {
            makeQueue().append(bytes)
        }
        return grew(limits)
    }

    mutating func push(producer: any Producer, limits: Limits) -> Report {
        queueGathered()
        makeQueue().append(producer: producer)
        return grew(limits)
    }

    /// Queues the close marker behind everything pushed so far.
    mutating func closeWhenDone(then completion: (() -> Void)?) {
        queueGathered()
        ending = .closePending(completion)
        makeQueue().appendClose()
    }

    /// A FIN follows everything pushed so far.
    mutating func halfCloseWhenDone() {
        queueGathered()
        ending = .halfClosePending
    }

    /// Takes the completion of a reached close.
    mutating func takeCloseCompletion() -> (() -> Void)? {
        guard case .closePending(let completion) = ending else { return nil }
        ending = .closePending(nil)
        return completion
    }

    // MARK: Writing

    /// Sends what the sink takes of the queue, then the FIN if one is due
    /// and everything before it went out.
    mutating func flush<Sink: OutputSink>(to sink: Sink, limits: Limits) throws(SystemError) -> Report {
        guard sink.canSend else { return [] }
        var report: Report = []
        if let queue {
            let outcome = try queue.write { vectors throws(SystemError) in try sink.send(vectors: vectors) }
            report = shrank(limits)
            if outcome == .reachedClose { report.insert(.reachedClose) }
        }
        if case .halfClosePending = ending, isQueueEmpty, sink.canSend {
            ending = .halfClosed
            try sink.shutdownOutput()
        }
        return report
    }

    /// Drops everything queued and gathered; a pending close stays pending.
    mutating func removeAll(limits: Limits) -> Report {
        dropGathered()
        queue?.removeAll()
        if case .closePending = ending { makeQueue().appendClose() }
        return shrank(limits)
    }

    /// Forgets everything: the state of a new connection.
    mutating func reset() {
        dropGathered()
        queue?.removeAll()
        self = ChannelOutput()
    }

    // MARK: Watermarks

    private mutating func grew(_ limits: Limits) -> Report {
        let queued = count
        if queued > limits.maxQueued { return .overflowed }
        guard isWritable, queued > limits.highWatermark else { return [] }
        isWritable = false
        return .becameUnwritable
    }

    private mutating func shrank(_ limits: Limits) -> Report {
        guard !isWritable, count <= limits.lowWatermark else { return [] }
        isWritable = true
        return .becameWritable
    }

    private mutating func makeQueue() -> OutputQueue {
        if let queue { return queue }
        let created = OutputQueue()
        queue = created
        return created
    }
}
