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
    /// The terminator the next piece is framed by.
    public var terminator: Terminator

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

    /// A framer that starts with `terminator`.
    public init(terminator: Terminator = .crlf) {
        self.terminator = terminator
    }

    /// Takes the next piece off the front of `window`; nil when nothing more
    /// can be framed until more bytes arrive (the window is then empty, or
    /// holds only what may be the start of a terminator).
    public mutating func nextPiece(from window: inout ArraySlice<UInt8>) -> Piece? {
        guard !window.isEmpty else { return nil }
        switch terminator {
        case .none, .count(0), .bytes([]):
            // No framing: everything is data.
            defer { window = window[window.endIndex...] }
            return Piece(data: window, endsFrame: false)
        case .count(let wanted):
            let taken = min(wanted, window.count)
            let data = window.prefix(taken)
            window = window.dropFirst(taken)
            terminator = taken == wanted ? .none : .count(wanted - taken)
            return Piece(data: data, endsFrame: taken == wanted)
        case .bytes(let sequence):
            return piece(endingAt: sequence, droppingCR: false, from: &window)
        case .crlfOrLF:
            return piece(endingAt: InputFramer.lineFeed, droppingCR: true, from: &window)
        }
    }

    private static let lineFeed: [UInt8] = [10]

    private func piece(endingAt sequence: [UInt8], droppingCR: Bool, from window: inout ArraySlice<UInt8>) -> Piece? {
        let start = window.startIndex
        let found = window.withUnsafeBytes { TerminatorScanner.firstIndex(of: sequence, in: $0) }
        if let offset = found {
            let terminatorStart = start + offset
            var frameEnd = terminatorStart
            if droppingCR, frameEnd > start, window[frameEnd - 1] == 13 { frameEnd -= 1 }
            let data = window[start..<frameEnd]
            window = window[(terminatorStart + sequence.count)...]
            return Piece(data: data, endsFrame: true)
        }
        // No terminator: hand on all but a tail that may be the start of one.
        var held = window.withUnsafeBytes { TerminatorScanner.partialSuffixLength(of: sequence, in: $0) }
        if droppingCR, window.last == 13 { held = 1 }
        let dataEnd = window.endIndex - held
        guard dataEnd > start else { return nil }
        let data = window[start..<dataEnd]
        window = window[dataEnd...]
        return Piece(data: data, endsFrame: false)
    }
}
