import Glibc

/// Which directions of a connection ``Socket/shutdown(_:)`` ends.
///
/// ```swift
/// try socket.shutdown(.write)   // sends a FIN: the peer reads end of input
/// ```
public enum ShutdownDirection: Sendable, Hashable, CaseIterable {
    /// No more receiving (`SHUT_RD`).
    case read
    /// No more sending; the peer reads end of input (`SHUT_WR`).
    case write
    /// Both (`SHUT_RDWR`).
    case both

    /// The C constant.
    var rawValue: Int32 {
        switch self {
        case .read: return Int32(SHUT_RD)
        case .write: return Int32(SHUT_WR)
        case .both: return Int32(SHUT_RDWR)
        }
    }
}
