import AsyncCore

final class EchoHandler: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(8192)
        if !bytes.isEmpty { try send(bytes) }     // queued if the socket is full
    }
}

final class EchoServer: Dispatcher {
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        _ = try EchoHandler(socket: socket, loop: loop)
    }
}

let loop = try EventLoop()                        // epoll; EventLoop(backend: .poll) also works
let server = EchoServer(loop: loop)
try server.listen(on: .ipv4("127.0.0.1", port: 0))   // socket, SO_REUSEADDR, bind, listen; 0: any free port
print("listening on \(try server.localAddress)")
try loop.run()                                    // until no dispatcher is left
