import Glibc

/// The content of the message being received in DATA: dot-stuffed bytes go
/// in, in pieces of any size, and come out unstuffed, counted against the
/// size limit and kept up to it.
///
/// RFC 5321 section 4.5.2's transparency: a client doubles a dot that starts
/// a line, so one dot at the start of each line is dropped here — also on
/// the first line, which starts right after the DATA command's CRLF. A line
/// starts only after CRLF: after a bare CR or LF a dot is content.
///
/// ```
///   in:   .a\r\n..\r\nx.\r\n       lines ".a", "..", "x."
///         ^     ^                a dot that starts a line: dropped
///   out:  a\r\n.\r\nx.\r\n
/// ```
struct MessageContent {
    /// Where the next byte falls, for finding dots that start a line.
    private enum Position {
        /// Right after CRLF, or first in the message.
        case lineStart
        /// Right after a line-start dot (dropped): the line so far is `.`.
        case afterLoneDot
        /// After a CR that may be the start of a CRLF.
        case afterCR
        /// Anywhere else.
        case midLine
    }

    private var position = Position.lineStart
    /// The unstuffed bytes, until they pass the limit; those before
    /// `handedOut` were taken by ``takeNew()``.
    private var bytes: [UInt8] = []
    private var handedOut = 0
    /// Whether the bytes are kept for ``finish()``, or dropped once taken.
    private let keeps: Bool
    /// The bytes taken are to be dropped before the next are kept: not at
    /// once, while the caller may still hold the slice it was given.
    private var dropTaken = false
    /// How many bytes came, kept or not.
    private(set) var count = 0
    /// More than the limit arrived: nothing more is kept (memory stays
    /// bounded) and the message will be refused.
    private var overflowed = false
    /// The most bytes taken: for DATA, smtpd's measure leaves the last
    /// line's CRLF out of a message's size, so the size limit plus 2.
    private let capacity: Int?

    /// Empty content for a message of at most `limit` bytes (nil: no limit),
    /// plus `allowance` (2 for DATA's last CRLF), with room reserved for
    /// `expectedSize` bytes when they are kept.
    init(limit: Int?, allowance: Int = 2, expectedSize: Int, keeps: Bool = true) {
        // Saturating: a limit (or a declared SIZE) may be near Int.max.
        capacity = limit.map { $0 > Int.max - allowance ? Int.max : $0 + allowance }
        self.keeps = keeps
        // Reserving (not touching) memory saves copying the content as it
        // grows; bounded by the limit, and by 64 MiB in any case.
        let reserved = min(max(0, expectedSize), capacity ?? .max, 64 << 20)
        if keeps, reserved > 4096 { bytes.reserveCapacity(reserved) }
    }

    /// More bytes came than the limit allows: the message will be refused.
    var hasOverflowed: Bool { overflowed }

    /// The bytes that came since the last call, for a handler that streams
    /// the content. Without `keeps`, they are dropped before the next bytes
    /// are kept.
    mutating func takeNew() -> ArraySlice<UInt8> {
        let new = bytes[handedOut...]
        handedOut = bytes.count
        if !keeps { dropTaken = true }
        return new
    }

    /// Takes bytes as they are, with no transparency (BDAT's chunks).
    mutating func append(raw input: ArraySlice<UInt8>) {
        input.withUnsafeBufferPointer { keep($0) }
    }

    /// Nothing of the current line has arrived yet.
    var isAtLineStart: Bool { position == .lineStart }
    /// The line so far is exactly one dot (for callers that frame by line).
    var isLoneDot: Bool { position == .afterLoneDot }

    /// Takes dot-stuffed bytes: copies them in runs, dropping each dot that
    /// starts a line. `memchr` finds the dots, so text without many of them
    /// is copied at memory speed.
    mutating func append(stuffed input: ArraySlice<UInt8>) {
        input.withUnsafeBufferPointer { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return }
            var runStart = 0
            var searchFrom = 0
            while searchFrom < raw.count, let found = memchr(base + searchFrom, 46, raw.count - searchFrom) {
                let dot = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                searchFrom = dot + 1
                guard startsLine(at: dot, in: raw) else { continue }
                keep(UnsafeBufferPointer(rebasing: raw[runStart..<dot]))
                runStart = dot + 1
            }
            keep(UnsafeBufferPointer(rebasing: raw[runStart...]))
            position = MessageContent.position(after: raw, previous: position)
        }
    }

    /// The content kept, or nil when it exceeded the limit. Leaves this empty.
    mutating func finish() -> [UInt8]? {
        defer {
            bytes = []
            handedOut = 0
        }
        return overflowed ? nil : keeps ? bytes : []
    }

    /// Whether the dot at `offset` of `raw` starts a line: CRLF before it,
    /// in this piece or at the end of the previous one.
    private func startsLine(at offset: Int, in raw: UnsafeBufferPointer<UInt8>) -> Bool {
        switch offset {
        case 0: return position == .lineStart
        case 1: return raw[0] == 10 && position == .afterCR
        default: return raw[offset - 2] == 13 && raw[offset - 1] == 10
        }
    }

    /// The position after `raw`, which followed `previous`.
    private static func position(after raw: UnsafeBufferPointer<UInt8>, previous: Position) -> Position {
        let count = raw.count
        switch raw[count - 1] {
        case 13:
            return .afterCR
        case 10:
            let crBefore = count >= 2 ? raw[count - 2] == 13 : previous == .afterCR
            return crBefore ? .lineStart : .midLine
        case 46:
            // A dot that starts a line was dropped; the one after it was not.
            let lineStartBefore = count >= 3
                ? raw[count - 3] == 13 && raw[count - 2] == 10
                : count == 2 ? raw[0] == 10 && previous == .afterCR : previous == .lineStart
            return lineStartBefore ? .afterLoneDot : .midLine
        default:
            return .midLine
        }
    }

    private mutating func keep(_ run: UnsafeBufferPointer<UInt8>) {
        guard !overflowed, !run.isEmpty else { return }
        if let capacity, run.count > capacity - count {
            overflowed = true
            bytes = []
            handedOut = 0
            return
        }
        count += run.count
        if dropTaken {
            dropTaken = false
            bytes.removeAll(keepingCapacity: true)
            handedOut = 0
        }
        bytes.append(contentsOf: run)
    }
}
