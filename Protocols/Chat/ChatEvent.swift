import AsyncCore

/// Something that happened in a ``ChatRoom``, for a log. Its description is
/// the log line, starting with the client's address:
///
/// ```swift
/// let server = try ChatServer(address: .ipv4(port: 7008), loop: loop)
/// server.room.onEvent = { event in print(event) }
/// // 127.0.0.1:50312: connected
/// // 127.0.0.1:50312: alice joined
/// // 127.0.0.1:50312: message from alice delivered to 2 members
/// // 127.0.0.1:50312: rejected: line longer than 512 bytes; ignored
/// // 127.0.0.1:50420: bob was disconnected (too slow)
/// // 127.0.0.1:50312: alice left
/// // 127.0.0.1:50312: disconnected
/// ```
/// What members write is never logged, only who sent how much to how many.
public struct ChatEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// The room admitted the connection.
        case connected
        /// The client took its first nick and joined the members.
        case joined(nick: String)
        /// A member changed its nick.
        case renamed(from: String, to: String)
        /// A line or `/me` action of `nick` went to `members` members, the sender included.
        case delivered(nick: String, members: Int)
        /// A line was refused: `reason` is the error line the client got,
        /// without its `*** error: ` prefix.
        case rejected(reason: String)
        /// A member left the room: by `/quit`, idle, too slow, or because
        /// its connection ended. `.tooSlow` is a slow member being dropped.
        case left(nick: String, reason: LeaveReason)
        /// The connection closed, whoever closed it.
        case disconnected
    }

    /// The client's address; nil when the room was not told it (see
    /// ``ChatRoom/admit(_:peer:)``).
    public let peer: SocketAddress?
    /// What happened.
    public let kind: Kind

    public init(peer: SocketAddress?, kind: Kind) {
        self.peer = peer
        self.kind = kind
    }

    public var description: String {
        // A Unix-domain client is usually unbound: its address has no path.
        let who = peer.map(\.description).flatMap { $0.isEmpty ? nil : $0 } ?? "unnamed peer"
        switch kind {
        case .connected: return "\(who): connected"
        case .joined(let nick): return "\(who): \(nick) joined"
        case .renamed(let old, let new): return "\(who): \(old) is now known as \(new)"
        case .delivered(let nick, let members): return "\(who): message from \(nick) delivered to \(members) member\(members == 1 ? "" : "s")"
        case .rejected(let reason): return "\(who): rejected: \(reason)"
        case .left(let nick, .tooSlow): return "\(who): \(nick) was disconnected (too slow)"
        case .left(let nick, .quit): return "\(who): \(nick) left"
        case .left(let nick, .idle): return "\(who): \(nick) left (idle)"
        case .left(let nick, .connectionClosed): return "\(who): \(nick) left (connection closed)"
        case .disconnected: return "\(who): disconnected"
        }
    }
}
