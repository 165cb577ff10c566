/// What an async connection holds of its input between the socket and the
/// consumer: framed entries waiting to be taken, the frame in progress, and
/// bytes not framed yet because the consumer lags.
///
/// ```
/// read ──▶ framer ──▶ entries: frame | frame | overlong | frame   (at most maxBufferedFrames)
///                 └─▶ partial frame, and unframed bytes while entries are full
/// ```
/// A read lent from the loop's shared buffer is copied out once, into one
/// array; its frames, and what waits unframed, are slices of it, so a read
/// of many short frames costs one allocation.
struct InboundFrames {
    enum Entry {
        case frame(ArraySlice<UInt8>)
        /// A frame longer than the limit; its bytes are dropped.
        case overlong
    }

    /// How far the peer's input has come.
    enum Phase {
        case receiving
        /// The peer finished sending; bytes received before may still be framed.
        case peerFinished
        /// Everything was framed; ``tail`` holds the unterminated rest.
        case finished
    }

    private(set) var entries: [Entry] = []
    private var head = 0
    /// The current frame's bytes from earlier windows.
    private var partial: [UInt8] = []
    /// The current frame is longer than the limit: its bytes are dropped up to its end.
    private var discarding = false
    /// Received bytes not framed yet: a possible partial terminator, or what
    /// arrived beyond the bound on entries.
    private(set) var unframed: ArraySlice<UInt8> = []
    private var framer: InputFramer
    private let terminator: Terminator
    private let maxFrameLength: Int
    /// No terminator: each piece of input is a frame as it arrives.
    private let deliversChunks: Bool
    let maxEntries: Int
    var phase = Phase.receiving
    /// The memory the last read was copied into (see `copy(_:)`).
    private var lastRead: [UInt8] = []
    /// The unterminated bytes the peer sent last, once ``phase`` is finished.
    private(set) var tail: [UInt8] = []

    init(options: AsyncConnectionOptions) {
        terminator = options.terminator
        framer = InputFramer(terminator: options.terminator)
        maxFrameLength = options.maxFrameLength
        maxEntries = options.maxBufferedFrames
        switch options.terminator {
        case .none, .count(0), .bytes([]): deliversChunks = true
        default: deliversChunks = false
        }
    }

    var count: Int { entries.count - head }
    var isFull: Bool { count >= maxEntries }

    /// Takes the oldest entry.
    mutating func popFirst() -> Entry? {
        guard head < entries.count else { return nil }
        // Moved out, not copied: a copy would retain the frame's bytes and
        // the slot left behind release them again.
        let entry = entries.withUnsafeMutableBufferPointer { buffer in
            let slot = buffer.baseAddress.unsafelyUnwrapped + head
            let entry = slot.move()
            slot.initialize(to: .overlong)
            return entry
        }
        head += 1
        // Taken slots are dropped in batches: emptying the array costs more
        // than taking a frame.
        if head >= InboundFrames.takenSlotsKept {
            if head == entries.count {
                entries.removeAll(keepingCapacity: true)
            } else {
                entries.removeFirst(head)
            }
            head = 0
        }
        return entry
    }

    /// Taken slots left at the front of ``entries`` before they are dropped.
    private static let takenSlotsKept = 32

    /// Frames received bytes. `borrowed` bytes (the loop's read buffer) are
    /// copied; the entries and the unframed rest never point into them.
    mutating func receive(_ bytes: ArraySlice<UInt8>, borrowed: Bool) {
        if unframed.isEmpty {
            frame(borrowed ? copy(bytes) : bytes)
        } else {
            var window = Array(unframed)
            window.append(contentsOf: bytes)
            unframed = []
            frame(window[...])
        }
    }

    /// `bytes` in memory of their own: the last read's, when the consumer
    /// has let go of its frames (so a connection that answers each line
    /// before the next arrives allocates nothing per read), or new memory.
    /// Only a small read's memory is kept for the next one.
    private mutating func copy(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // In place when nothing else holds the last read; otherwise a new
        // buffer, and the frames keep the old one.
        lastRead.removeAll(keepingCapacity: true)
        lastRead.append(contentsOf: bytes)
        let window = lastRead[...]
        if lastRead.capacity > InboundFrames.keptReadCapacity { lastRead = [] }
        return window
    }

    /// The most memory of a read kept for the next one.
    private static let keptReadCapacity = 1024

    /// True when received bytes wait for room among the entries.
    var hasUnframed: Bool { !unframed.isEmpty }

    /// Frames what waited for room; true when entries were added.
    mutating func frameUnframed() -> Bool {
        guard !unframed.isEmpty, !isFull else { return false }
        let before = count
        let window = unframed
        unframed = []
        frame(window)
        return count > before
    }

    /// After the peer finished sending, once nothing waits for room: the
    /// unterminated rest becomes the tail and the input is finished.
    mutating func finishIfDrained() -> Bool {
        guard phase == .peerFinished else { return false }
        _ = frameUnframed()
        guard !isFull || unframed.isEmpty else { return false }
        if !discarding {
            tail = partial
            tail.append(contentsOf: unframed)
        }
        partial = []
        unframed = []
        discarding = false
        phase = .finished
        return true
    }

    private mutating func frame(_ window: ArraySlice<UInt8>) {
        var consumed = 0
        window.withUnsafeBytes { raw in
            while !isFull, let piece = framer.nextPiece(in: UnsafeRawBufferPointer(rebasing: raw[consumed...])) {
                let start = window.startIndex &+ consumed
                consumed &+= piece.consumed
                let endsFrame = piece.endsFrame || deliversChunks
                // A byte count frames every frame, not only the first.
                if piece.endsFrame, case .count = terminator { framer.terminator = terminator }
                if discarding {
                    discarding = !endsFrame
                    continue
                }
                let data = window[start..<(start &+ piece.dataCount)]
                if partial.count &+ data.count > maxFrameLength {
                    partial = []
                    discarding = !endsFrame
                    entries.append(.overlong)
                } else if !endsFrame {
                    partial.append(contentsOf: data)
                } else if partial.isEmpty {
                    entries.append(.frame(data))
                } else {
                    partial.append(contentsOf: data)
                    entries.append(.frame(partial[...]))
                    partial = []
                }
            }
        }
        if consumed < window.count { unframed = window[(window.startIndex &+ consumed)...] }
    }
}
