// README "A dispatcher in 20 lines". The sample is a script's top level;
// here it is the body of a function, compiled and never run (it serves
// forever on a fixed port).
import AsyncCore

func dispatcherSample() throws {
    final class EchoHandler: DispatcherWithSend {
        override func handleRead() throws {
            let bytes = try recv(8192)
            if !bytes.isEmpty { try send(bytes) }     // queued if the socket is full
        }
    }

    final class EchoServer: Dispatcher {
        override func writable() -> Bool { false }
        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            _ = try EchoHandler(socket: socket, loop: loop)
        }
    }

    let loop = try EventLoop()                        // epoll; EventLoop(backend: .poll) also works
    let server = EchoServer(loop: loop)
    try server.listen(on: .ipv4("127.0.0.1", port: 7007))   // socket, SO_REUSEADDR, bind, listen
    try loop.run()                                    // until no dispatcher is left
}
