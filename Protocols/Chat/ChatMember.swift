import AsyncCore

/// The room's record of one connection, kept by ``ChatDirectory``: where
/// its session lives and what it is called.
final class ChatMember {
    /// The session's number (``ChatSession/memberNumber``), unique in the process.
    let number: UInt64
    let peer: SocketAddress?
    /// The room whose loop holds the session.
    let room: LoopReference<ChatRoom>
    var nick: String?
    /// True once the member left the room; the connection may still be open.
    var hasLeft = false

    init(number: UInt64, peer: SocketAddress?, room: LoopReference<ChatRoom>) {
        self.number = number
        self.peer = peer
        self.room = room
    }

    /// Sends `line` to the member alone.
    func reply(_ line: String) {
        let number = number
        room.call { $0.reply(line, to: number) }
    }

    /// Reports `kind` about this member to its room's ``ChatRoom/onEvent``.
    func report(_ kind: ChatEvent.Kind) {
        let event = ChatEvent(peer: peer, kind: kind)
        room.call { $0.report(event) }
    }

    /// Has its room send `notice`, then close the connection.
    func disconnect(with notice: String, grace: Duration?) {
        let number = number
        room.call { $0.disconnect(number, with: notice, grace: grace) }
    }
}
