/// How the client's bytes are cut into writes during one run.
///
/// Between two writes the kit lets the server read what arrived, so each
/// write is one `recv` on the server's side (exactly so in-process; over TCP
/// the network may still merge them). A framing bug that hides when a line
/// arrives whole shows up when it arrives in two pieces.
///
/// Positions count the bytes of all the dialogue's sends, in order, from 0,
/// leaving out sends under a ``ChunkingOverride``. The description is the
/// form the `scripted-peer` CLI takes: `whole`, `bytes`, `split:17`, `random:7`.
public enum Chunking: Hashable, Sendable, CustomStringConvertible {
    /// Each burst of sends in one write.
    case whole
    /// One byte per write.
    case bytes
    /// Whole, except that the write holding byte `position` is cut right before it.
    case split(at: Int)
    /// Each burst cut at a few random positions, reproducibly for a seed.
    case random(seed: UInt64)

    public var description: String {
        switch self {
        case .whole: return "whole"
        case .bytes: return "bytes"
        case .split(let position): return "split:\(position)"
        case .random(let seed): return "random:\(seed)"
        }
    }

    /// Reads the ``description`` form; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "whole": self = .whole
        case "bytes": self = .bytes
        default:
            if text.hasPrefix("split:"), let position = Int(text.dropFirst(6)), position > 0 {
                self = .split(at: position)
            } else if text.hasPrefix("random:"), let seed = UInt64(text.dropFirst(7)) {
                self = .random(seed: seed)
            } else {
                return nil
            }
        }
    }

    /// How failure reports name it.
    var explanation: String {
        switch self {
        case .whole: return "whole"
        case .bytes: return "one byte per write"
        case .split(let position): return "split before byte \(position)"
        case .random(let seed): return "random cuts, seed \(seed)"
        }
    }

    /// The Swift spelling, for the line that tells how to rerun one case.
    var swiftSpelling: String {
        switch self {
        case .whole: return ".whole"
        case .bytes: return ".bytes"
        case .split(let position): return ".split(at: \(position))"
        case .random(let seed): return ".random(seed: \(seed))"
        }
    }
}
