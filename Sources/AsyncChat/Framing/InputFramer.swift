import Glibc

/// Cuts a byte stream into frames by a ``Terminator``: the terminator
/// algorithm of ``ChatChannel`` with no socket, no buffer and no hooks.
///
/// The caller lends it a window of received bytes; each call takes one piece
/// off the front of the window: bytes of the current frame, and whether the
/// frame ended right after them. What it cannot frame yet (a possible partial
/// terminator) stays in the window for the caller to keep until more bytes
/// arrive:
///
/// ```
/// window:  "HELO a\r\nMAIL FR"            terminator: .crlf
/// pieces:  "HELO a" + end  |  "MAIL FR"  |  nil (window now "")
/// window:  "OM:<b>\r"                      ("\r" may start a terminator)
/// pieces:  "OM:<b>"  |  nil (window now "\r")
/// ```
///
/// ```swift
/// var framer = InputFramer(terminator: .crlf)
/// var window = ArraySlice(Array("HELO a\r\nMAIL".utf8))
/// var frames: [[UInt8]] = [], frame: [UInt8] = []
/// while let piece = framer.nextPiece(from: &window) {
///     frame += piece.data
///     if piece.endsFrame { frames.append(frame); frame = [] }
/// }
/// // frames == [Array("HELO a".utf8)], frame == Array("MAIL".utf8), window is empty
/// ```
///
/// Each call applies the terminator in force at that moment, so a terminator
/// changed between two calls (inside a handler of the frame that just ended)
/// frames the very next byte. A byte count is counted down as its bytes are
/// handed out and becomes ``Terminator/none`` with the frame's last byte,
/// before the piece is returned: a terminator the caller sets after that wins.
public struct InputFramer: Hashable, Sendable {
    /// The terminator, in the form the scan uses: the common one- and
    /// two-byte terminators need no array.
    private enum Scan: Hashable, Sendable {
        case everything(Terminator)
        case count(Int)
        case byte(UInt8)
        case pair(UInt8, UInt8)
        case sequence([UInt8])
        case lineFeedDroppingCR
    }

    private var scan: Scan

    /// Bytes of the current frame, taken from the front of the window.
    public struct Piece: Hashable, Sendable {
        /// The bytes; empty only for an empty frame (`endsFrame` is then true).
        public var data: ArraySlice<UInt8>
        /// True when the frame ends right after `data`; its terminator has
        /// been taken off the window and is not part of `data`.
        public var endsFrame: Bool

        public init(data: ArraySlice<UInt8>, endsFrame: Bool) {
            self.data = data
            self.endsFrame = endsFrame
        }
    }

    /// Where a piece lies at the front of a window, in bytes from its start.
    public struct PieceBounds: Hashable, Sendable {
        /// The piece's data is the window's first `dataCount` bytes.
        public var dataCount: Int
        /// The bytes to take off the window: the data and, when the frame
        /// ends, its terminator.
        public var consumed: Int
        /// True when the frame ends right after the data.
        public var endsFrame: Bool
    }

    /// A framer that starts with `terminator`.
    public init(terminator: Terminator = .crlf) {
        scan = InputFramer.scan(for: terminator)
    }

    /// The terminator the next piece is framed by.
    public var terminator: Terminator {
        get {
            switch scan {
            case .everything(let terminator): return terminator
            case .count(let count): return .count(count)
            case .byte(let byte): return .bytes([byte])
            case .pair(let first, let second): return .bytes([first, second])
            case .sequence(let sequence): return .bytes(sequence)
            case .lineFeedDroppingCR: return .crlfOrLF
            }
        }
        set { scan = InputFramer.scan(for: newValue) }
    }

    private static func scan(for terminator: Terminator) -> Scan {
        switch terminator {
        case .none, .count(0), .bytes([]): return .everything(terminator)
        case .count(let count): return .count(count)
        case .bytes(let bytes) where bytes.count == 1: return .byte(bytes[0])
        case .bytes(let bytes) where bytes.count == 2: return .pair(bytes[0], bytes[1])
        case .bytes(let bytes): return .sequence(bytes)
        case .crlfOrLF: return .lineFeedDroppingCR
        }
    }

    /// Takes the next piece off the front of `window`; nil when nothing more
    /// can be framed until more bytes arrive (the window is then empty, or
    /// holds only what may be the start of a terminator).
    public mutating func nextPiece(from window: inout ArraySlice<UInt8>) -> Piece? {
        guard let bounds = window.withUnsafeBytes({ nextPiece(in: $0) }) else { return nil }
        let start = window.startIndex
        defer { window = window[(start + bounds.consumed)...] }
        return Piece(data: window[start..<(start + bounds.dataCount)], endsFrame: bounds.endsFrame)
    }

    /// Finds the next piece at the front of `window` without copying or
    /// retaining anything: the form the channel's read path uses.
    public mutating func nextPiece(in window: UnsafeRawBufferPointer) -> PieceBounds? {
        let count = window.count
        guard count > 0, let base = window.baseAddress else { return nil }
        switch scan {
        case .everything:
            return PieceBounds(dataCount: count, consumed: count, endsFrame: false)
        case .count(let wanted):
            let taken = min(wanted, count)
            scan = taken == wanted ? .everything(.none) : .count(wanted &- taken)
            return PieceBounds(dataCount: taken, consumed: taken, endsFrame: taken == wanted)
        case .byte(let byte):
            if let hit = memchr(base, Int32(byte), count) {
                let offset = base.distance(to: UnsafeRawPointer(hit))
                return PieceBounds(dataCount: offset, consumed: offset &+ 1, endsFrame: true)
            }
            return PieceBounds(dataCount: count, consumed: count, endsFrame: false)
        case .pair(let first, let second):
            // Search for the second byte: each hit is checked against one
            // byte before it, and a trailing first byte is held back.
            var from = 1
            while from < count, let hit = memchr(base + from, Int32(second), count &- from) {
                let offset = base.distance(to: UnsafeRawPointer(hit))
                if window[offset &- 1] == first {
                    return PieceBounds(dataCount: offset &- 1, consumed: offset &+ 1, endsFrame: true)
                }
                from = offset &+ 1
            }
            let held = window[count &- 1] == first ? 1 : 0
            return dataPiece(count &- held)
        case .sequence(let sequence):
            if let offset = TerminatorScanner.firstIndex(of: sequence, in: window) {
                return PieceBounds(dataCount: offset, consumed: offset &+ sequence.count, endsFrame: true)
            }
            return dataPiece(count &- TerminatorScanner.partialSuffixLength(of: sequence, in: window))
        case .lineFeedDroppingCR:
            if let hit = memchr(base, 10, count) {
                let offset = base.distance(to: UnsafeRawPointer(hit))
                let dataCount = offset > 0 && window[offset &- 1] == 13 ? offset &- 1 : offset
                return PieceBounds(dataCount: dataCount, consumed: offset &+ 1, endsFrame: true)
            }
            return dataPiece(window[count &- 1] == 13 ? count &- 1 : count)
        }
    }

    /// Data with no frame end; nil when there is none to hand out.
    @inline(__always)
    private func dataPiece(_ dataCount: Int) -> PieceBounds? {
        dataCount > 0 ? PieceBounds(dataCount: dataCount, consumed: dataCount, endsFrame: false) : nil
    }
}
