/// Why a member left the room; the others are told (see ``ChatText/left(_:_:)``).
public enum LeaveReason: Hashable, Sendable {
    /// The member sent `/quit`.
    case quit
    /// The connection ended without `/quit`.
    case connectionClosed
    /// Nothing arrived for ``ChatOptions/idleTimeout``.
    case idle
    /// The member's unsent output passed ``ChatOptions/maxQueuedOutput``.
    case tooSlow
}
