import AsyncCore
import Chat
import Glibc

let loop = try EventLoop()
let server = try ChatServer(address: .ipv4("127.0.0.1", port: 0), loop: loop)
server.room.onEvent = { event in print(event) }
// 127.0.0.1:50312: connected
// 127.0.0.1:50312: alice joined
// 127.0.0.1:50312: message from alice delivered to 2 members
// 127.0.0.1:50420: bob was disconnected (too slow)
print("listening on \(try server.localAddress)")
try loop.onSignals([SIGINT, SIGTERM]) { _ in
    server.shutDown()                                // "*** Server shutting down" to everyone
    loop.schedule(after: .seconds(1)) { loop.handle.stop() }
}
try loop.run()
