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
        /// The channel closes once the queue up to its close marker (which
        /// holds the completion) is sent.
        case closePending
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
        /// The upgrade marker was reached: install the layer (``takeUpgrade()``).
        static let reachedUpgrade = Report(rawValue: 16)
    }

    struct Limits {
        var highWatermark: Int
        var lowWatermark: Int
        var maxQueued: Int
    }

    // Hot state is @exclusivity(unchecked) in the channel that holds this.
    // Stored in an order that leaves little padding.
    private var queue: OutputQueue?
    /// The loop's scratch memory while replies are gathered in it: input is
    /// being handled and nothing was queued before.
    private var gathered: Gathered?
    private(set) var ending = Ending.open
    private(set) var isWritable = true
    /// A transport layer waits in the queue: input stays unread until it is in place.
    private(set) var isUpgradePending = false

    /// Replies gathered in memory the loop lends for one handler.
    private struct Gathered {
        let base: UnsafeMutableRawPointer
        let capacity: UInt32
        var count: UInt32 = 0

        init(space: UnsafeMutableRawBufferPointer) {
            base = space.baseAddress.unsafelyUnwrapped
            capacity = UInt32(clamping: space.count)
        }

        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: Int(count)) }

        /// Appends `bytes`; false, appending nothing, when they do not fit.
        @inline(__always)
        mutating func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard bytes.count <= Int(capacity &- count) else { return false }
            if let source = bytes.baseAddress {
                (base + Int(count)).copyMemory(from: source, byteCount: bytes.count)
                count &+= UInt32(truncatingIfNeeded: bytes.count)
            }
            return true
        }
    }

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
    var count: Int { (queue?.byteCount ?? 0) + Int(gathered?.count ?? 0) }

    // MARK: Gathering

    /// Starts gathering replies in `space` when nothing is queued.
    mutating func beginGathering(in space: UnsafeMutableRawBufferPointer) {
        if isQueueEmpty { gathered = Gathered(space: space) }
    }

    /// Sends the gathered replies with one call and queues what the sink did
    /// not take. The buffer is empty again afterwards, whatever happens.
    mutating func sendGathered<Sink: OutputSink>(to sink: Sink, limits: Limits) throws(SystemError) -> Report {
        guard let buffer = gathered else { return [] }
        gathered = nil
        guard buffer.count > 0, sink.canSend else { return [] }
        let replies = buffer.bytes
        let sent = try sink.send(replies)
        if sent < replies.count, sink.canSend { makeQueue().append(UnsafeRawBufferPointer(rebasing: replies[sent...])) }
        return shrank(limits)
    }

    /// Stops gathering, dropping what was gathered.
    mutating func dropGathered() {
        gathered = nil
    }

    /// Moves the gathered replies into the queue: something that must follow
    /// them (a producer, a close) is about to be queued.
    private mutating func queueGathered() {
        guard let buffer = gathered else { return }
        gathered = nil
        if buffer.count > 0 { makeQueue().append(buffer.bytes) }
    }

    // MARK: Pushing

    /// Gathers `bytes` when that is all there is to do: replies are being
    /// gathered, they fit, and the queue stays at or under `limit`; false,
    /// doing nothing, otherwise.
    @inline(__always)
    mutating func gather(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Bool {
        guard var buffer = gathered, Int(buffer.count) &+ bytes.count <= limit, buffer.append(bytes) else { return false }
        gathered = buffer
        return true
    }

    /// Adds `bytes` behind everything pushed before: gathered, sent at once
    /// when `sendsAtOnce` and nothing is queued, or queued.
    mutating func push<Sink: OutputSink>(
        _ bytes: UnsafeRawBufferPointer, to sink: Sink, sendsAtOnce: Bool, limits: Limits
    ) throws(SystemError) -> Report {
        if var buffer = gathered {
            if buffer.append(bytes) {
                gathered = buffer
                return grew(limits)
            }
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
        ending = .closePending
        makeQueue().appendClose(then: completion)
    }

    /// `layer` starts once everything pushed so far is sent.
    mutating func upgradeWhenDone(to layer: TransportLayer) {
        queueGathered()
        isUpgradePending = true
        makeQueue().appendUpgrade(to: layer)
    }

    /// Takes the layer of a reached upgrade marker.
    mutating func takeUpgrade() -> TransportLayer? {
        guard let layer = queue?.takeUpgrade() else { return nil }
        isUpgradePending = false
        return layer
    }

    /// A FIN follows everything pushed so far.
    mutating func halfCloseWhenDone() {
        queueGathered()
        ending = .halfClosePending
    }

    /// Takes the completion of a reached close.
    func takeCloseCompletion() -> (() -> Void)? {
        queue?.takeCloseCompletion()
    }

    // MARK: Writing

    /// Sends what the sink takes of the queue, then the FIN if one is due
    /// and everything before it went out.
    mutating func flush<Sink: OutputSink>(to sink: Sink, limits: Limits) throws(SystemError) -> Report {
        guard sink.canSend else { return [] }
        var report: Report = []
        if let queue {
            // Whatever the peer sent before the last byte announcing an
            // upgrade leaves is plaintext from before the upgrade: drop it
            // now, as that byte is about to go. What arrives once it has
            // left may be the layer's own (a fast peer's ClientHello).
            if isUpgradePending { sink.discardUnreadInput() }
            let outcome = try queue.write { vectors throws(SystemError) in try sink.send(vectors: vectors) }
            report = shrank(limits)
            // A marker takes effect once the transport, too, has sent what came before it.
            if !sink.holdsOutput {
                if outcome == .reachedClose { report.insert(.reachedClose) }
                if outcome == .reachedUpgrade { report.insert(.reachedUpgrade) }
            }
        }
        if case .halfClosePending = ending, isQueueEmpty, sink.canSend {
            ending = .halfClosed
            try sink.shutdownOutput()
        }
        return report
    }

    /// Drops everything queued and gathered; a pending close or upgrade stays pending.
    mutating func removeAll(limits: Limits) -> Report {
        dropGathered()
        queue?.removeAll(keepingMarkers: true)
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
