import AsyncCore
import Glibc

/// A channel's output FIFO: bytes, producers and a close marker, in push
/// order. Small pushes are copied into shared blocks; a send gathers up to
/// 64 blocks into one `sendmsg`. Producers are asked for more only when they
/// reach the head of the queue.
final class OutputQueue {
    enum Entry {
        case bytes(OutputChunk)
        case producer(any Producer)
        /// The channel closes here; then the completion runs.
        case close((() -> Void)?)
        /// The transport layer starts here: what follows goes through it.
        case upgrade(TransportLayer)
    }

    /// How a ``write(using:)`` ended.
    enum WriteOutcome {
        case drained
        case blocked
        case reachedClose
        case reachedUpgrade
    }

    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    @exclusivity(unchecked) private var entries: [Entry] = []
    @exclusivity(unchecked) private var head = 0
    /// Bytes pushed and not yet sent (producers count once pulled).
    @exclusivity(unchecked) private(set) var byteCount = 0

    private static let blockSize = 16384
    private static let maxVectors = 64

    deinit {
        removeAll()
    }

    var isEmpty: Bool { head == entries.count }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        byteCount += bytes.count
        if head < entries.count, case .bytes(var last) = entries[entries.count - 1], last.room >= bytes.count {
            last.append(bytes)
            entries[entries.count - 1] = .bytes(last)
            return
        }
        var chunk = OutputChunk(capacity: max(OutputQueue.blockSize, bytes.count))
        chunk.append(bytes)
        entries.append(.bytes(chunk))
    }

    func append(producer: any Producer) {
        entries.append(.producer(producer))
    }

    func appendClose(then completion: (() -> Void)?) {
        entries.append(.close(completion))
    }

    func appendUpgrade(to layer: TransportLayer) {
        entries.append(.upgrade(layer))
    }

    /// Takes the upgrade marker at the head of the queue.
    func takeUpgrade() -> TransportLayer? {
        guard head < entries.count, case .upgrade(let layer) = entries[head] else { return nil }
        head += 1
        compact()
        return layer
    }

    /// Takes the completion of the close marker at the head of the queue.
    func takeCloseCompletion() -> (() -> Void)? {
        guard head < entries.count, case .close(let completion) = entries[head] else { return nil }
        entries[head] = .close(nil)
        return completion
    }

    /// Frees everything queued; with `keepingMarkers`, the close and upgrade
    /// markers (and a close's completion) stay, in order.
    func removeAll(keepingMarkers: Bool = false) {
        var markers: [Entry] = []
        for index in head..<entries.count {
            switch entries[index] {
            case .bytes(let chunk): chunk.free()
            case .close, .upgrade: if keepingMarkers { markers.append(entries[index]) }
            case .producer: break
            }
        }
        entries = markers
        head = 0
        byteCount = 0
    }

    /// Sends queued bytes through `send` (which returns the bytes the socket
    /// took, 0 when it would block) until the queue is empty, the socket is
    /// full, or a close or upgrade marker is reached.
    func write(using send: (UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int) throws(SystemError) -> WriteOutcome {
        while true {
            guard try prepareHead() else { return .drained }
            if case .close = entries[head] { return .reachedClose }
            if case .upgrade = entries[head] { return .reachedUpgrade }
            let sent = try withUnsafeTemporaryAllocation(of: iovec.self, capacity: OutputQueue.maxVectors) { vectors throws(SystemError) -> Int in
                var count = 0
                var index = head
                while index < entries.count, count < OutputQueue.maxVectors, case .bytes(let chunk) = entries[index] {
                    vectors[count] = iovec(iov_base: UnsafeMutableRawPointer(mutating: chunk.pending.baseAddress), iov_len: chunk.pendingCount)
                    count += 1
                    index += 1
                }
                return try send(UnsafeMutableBufferPointer(rebasing: vectors[0..<count]))
            }
            if sent == 0 { return .blocked }
            consume(sent)
        }
    }

    /// Makes the head entry bytes or a marker, pulling from
    /// producers; false when nothing is left.
    private func prepareHead() throws(SystemError) -> Bool {
        while head < entries.count {
            guard case .producer(let producer) = entries[head] else { return true }
            guard let chunk = producer.more(), !chunk.isEmpty else {
                head += 1
                continue
            }
            var block = OutputChunk(capacity: chunk.count)
            chunk.withUnsafeBytes { block.append($0) }
            byteCount += chunk.count
            entries.insert(.bytes(block), at: head)
        }
        compact()
        return false
    }

    private func consume(_ sent: Int) {
        var remaining = sent
        byteCount -= sent
        while remaining > 0, head < entries.count, case .bytes(var chunk) = entries[head] {
            if remaining >= chunk.pendingCount {
                remaining -= chunk.pendingCount
                chunk.free()
                head += 1
            } else {
                chunk.start += remaining
                entries[head] = .bytes(chunk)
                remaining = 0
            }
        }
        compact()
    }

    private func compact() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.capacity <= 16)
            head = 0
        } else if head > 32, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
