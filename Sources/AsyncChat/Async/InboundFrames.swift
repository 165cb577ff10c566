/// What an async connection holds of its input between the socket and the
/// consumer: framed entries waiting to be taken, the frame in progress, and
/// bytes not framed yet because the consumer lags.
///
/// ```
/// read ──▶ framer ──▶ entries: frame | frame | overlong | frame   (at most maxBufferedFrames)
///                 └─▶ partial frame, and unframed bytes while entries are full
/// ```
/// The complete frames of one read are copied out of the loop's shared read
/// buffer together, into one array; each frame is a slice of it, so a read
/// of many short frames costs one allocation.
struct InboundFrames {
    enum Entry {
        case frame(ArraySlice<UInt8>)
        /// A frame longer than the limit; its bytes are dropped.
        case overlong
        /// A frame whose bytes lie in the window being framed, at these
        /// offsets: made a slice of the copied batch before framing returns.
        case pending(start: Int, end: Int)
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
    var isEmpty: Bool { head == entries.count }

    /// Takes the oldest entry.
    mutating func popFirst() -> Entry? {
        guard head < entries.count else { return nil }
        let entry = entries[head]
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
        return entry
    }

    /// Frames received bytes. `borrowed` bytes (the loop's read buffer) are
    /// copied; the entries and the unframed rest never point into them.
    mutating func receive(_ bytes: ArraySlice<UInt8>, borrowed: Bool) {
        if unframed.isEmpty {
            frame(bytes, borrowed: borrowed)
        } else {
            var window = Array(unframed)
            window.append(contentsOf: bytes)
            unframed = []
            frame(window[...], borrowed: false)
        }
    }

    /// Frames what waited for room; true when entries were added.
    mutating func frameUnframed() -> Bool {
        guard !unframed.isEmpty, !isFull else { return false }
        let before = count
        let window = unframed
        unframed = []
        frame(window, borrowed: false)
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

    private mutating func frame(_ window: ArraySlice<UInt8>, borrowed: Bool) {
        let firstNew = entries.count
        var consumed = 0
        var batch = (start: -1, end: 0)
        window.withUnsafeBytes { raw in
            while !isFull, let piece = framer.nextPiece(in: UnsafeRawBufferPointer(rebasing: raw[consumed...])) {
                let start = consumed
                consumed &+= piece.consumed
                let endsFrame = piece.endsFrame || deliversChunks
                // A byte count frames every frame, not only the first.
                if piece.endsFrame, case .count = terminator { framer.terminator = terminator }
                if discarding {
                    discarding = !endsFrame
                    continue
                }
                let length = partial.count &+ piece.dataCount
                if length > maxFrameLength {
                    partial = []
                    discarding = !endsFrame
                    entries.append(.overlong)
                } else if !endsFrame {
                    partial.append(contentsOf: raw[start..<(start &+ piece.dataCount)])
                } else if !partial.isEmpty {
                    partial.append(contentsOf: raw[start..<(start &+ piece.dataCount)])
                    entries.append(.frame(partial[...]))
                    partial = []
                } else if borrowed {
                    if batch.start < 0 { batch.start = start }
                    batch.end = start &+ piece.dataCount
                    entries.append(.pending(start: start, end: batch.end))
                } else {
                    let base = window.startIndex &+ start
                    entries.append(.frame(window[base..<(base &+ piece.dataCount)]))
                }
            }
        }
        if batch.start >= 0 {
            let base = window.startIndex
            let copy = Array(window[(base &+ batch.start)..<(base &+ batch.end)])
            for index in firstNew..<entries.count {
                if case .pending(let start, let end) = entries[index] {
                    entries[index] = .frame(copy[(start &- batch.start)..<(end &- batch.start)])
                }
            }
        }
        if consumed < window.count {
            let rest = window[(window.startIndex &+ consumed)...]
            unframed = borrowed ? Array(rest)[...] : rest
        }
    }
}
