import AsyncCore
import Chat
import ProtocolTesting

/// A fresh in-process chat room for each run of a dialogue.
func chatRoom(_ options: ChatOptions = ChatOptions(), socketBufferSize: Int? = nil) -> ServerUnderTest {
    .inProcess(socketBufferSize: socketBufferSize, setUp: { loop in
        let room = ChatRoom(loop: loop, options: options)
        return { socket in try room.admit(socket) }
    })
}

/// A client's greeting and first nick, named after the client; `present`
/// are the members already in the room, who are told of the join.
func join(_ member: Client, after present: [Client] = []) -> [DialogueStep] {
    let everyone = (present + [member]).map(\.name).joined(separator: ", ")
    return [
        member.expect("*** Welcome to the chat room"),
        member.expect("*** Choose a nick with /nick NAME"),
        member.send("/nick \(member.name)"),
        member.expect("*** You are now known as \(member.name)"),
        member.expect("*** In the room: \(everyone)"),
    ] + present.map { $0.expect("*** \(member.name) has joined") }
}
