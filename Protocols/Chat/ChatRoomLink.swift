/// What a ``ChatRoom`` on another loop joins a room with: a `Sendable`
/// reference to the room's shared part (its members and nicks), which
/// lives on the loop of the room that made it.
///
/// ```swift
/// let link = try group.handles[0].submitAndWait { loop in ... first.link }
/// // on another loop of the group:
/// let room = ChatRoom(loop: loop, joining: link)
/// ```
/// The link holds the room's shared part weakly: once the room that made
/// it is gone, rooms joined through it deliver nothing more. Keep that room
/// (its server) for as long as the others serve.
public struct ChatRoomLink: Sendable {
    let directory: LoopReference<ChatDirectory>
    /// The limits of the room, which every room that joins it takes.
    public let options: ChatOptions
}
