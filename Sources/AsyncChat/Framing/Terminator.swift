/// Where one frame of input ends.
///
/// ```swift
/// channel.terminator = .crlf                       // "\r\n" lines (SMTP, NNTP)
/// channel.terminator = "\r\n.\r\n"                 // any byte string
/// channel.terminator = .count(1024)                // the next 1024 bytes
/// channel.terminator = .none                       // everything, as it comes
/// ```
/// The terminator may change at any time, including inside
/// ``ChatChannel/foundTerminator()``: bytes already received are framed by the
/// new terminator at once (set outside a handler, on the loop's next pass,
/// before any new input).
public enum Terminator: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// A frame ends at this byte sequence (one byte or more); the terminator
    /// itself is not part of the frame. An empty sequence behaves as ``none``.
    case bytes([UInt8])
    /// The next `n` bytes form one frame; after it the terminator becomes
    /// ``none`` (as asynchat). While counting down, ``ChatChannel/terminator``
    /// shows the bytes still to come. Must not be negative; 0 behaves as ``none``.
    case count(Int)
    /// No framing: every byte is handed to ``ChatChannel/collectIncomingData(_:)``
    /// and ``ChatChannel/foundTerminator()`` is never called.
    case none
    /// A line ends at LF, and a CR right before the LF is dropped too: accepts
    /// both CRLF and bare-LF peers.
    case crlfOrLF

    /// Strict CRLF lines.
    public static let crlf = Terminator.bytes([13, 10])
    /// LF lines; a CR before the LF stays in the frame.
    public static let lf = Terminator.bytes([10])

    /// A terminator from a string's UTF-8 bytes.
    public init(stringLiteral text: String) {
        self = .bytes(Array(text.utf8))
    }

    public var description: String {
        switch self {
        case .bytes(let bytes): return "bytes(\(bytes.map(Terminator.escape).joined()))"
        case .count(let count): return "count(\(count))"
        case .none: return "none"
        case .crlfOrLF: return "crlfOrLF"
        }
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case 13: return "\\r"
        case 10: return "\\n"
        case 9: return "\\t"
        case 32...126: return String(UnicodeScalar(byte))
        default: return "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
    }
}
