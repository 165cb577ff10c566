import AsyncCore

/// Sends back every byte it receives.
final class EchoHandler: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(8192)
        if !bytes.isEmpty { try send(bytes) }
    }
}

/// Listens and hands every connection to an ``EchoHandler``.
final class EchoServer: Dispatcher {
    override func writable() -> Bool { false }
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        _ = try EchoHandler(socket: socket, loop: loop)
    }
}

/// A client that keeps everything it receives and notes the close.
final class Collector: DispatcherWithSend {
    var received: [UInt8] = []
    var closed = false
    var errors: [any Error] = []
    override func handleConnect() throws {}
    override func handleRead() throws { received += try recv(8192) }
    override func handleClose() { closed = true; close() }
    override func handleError(_ error: any Error) { errors.append(error); close() }
}
