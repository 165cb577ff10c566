import AsyncCore
import Chat
import ProtocolTesting

let chat = ServerUnderTest.inProcess(setUp: { loop in
    let room = ChatRoom(loop: loop)                  // one room per run
    return { socket in try room.admit(socket) }      // one session per connection
})
