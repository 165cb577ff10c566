import AsyncCore
import Echo

let loop = try EventLoop()
let server = try EchoServer(address: .ipv4("127.0.0.1", port: 0), mode: .line, loop: loop)
server.onEvent = { event in print(event) }           // 127.0.0.1:50312: connected
print("listening on \(try server.localAddress)")
try loop.run()
