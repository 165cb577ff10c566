import AsyncChat
import AsyncCore
import Echo

/// The line echo on async connections, as one loop's server in an
/// `EventLoopGroup`: each connection handed to this loop is echoed by
/// ``AsyncLineEcho`` in a task that prefers the loop, so the task and the
/// connection's socket share the loop's thread.
final class AsyncEchoServer: Dispatcher {
    private let options: AsyncConnectionOptions
    private let onEvent: (@Sendable (EchoEvent) -> Void)?

    init(options: EchoOptions, onEvent: (@Sendable (EchoEvent) -> Void)?, loop: EventLoop) {
        self.options = AsyncLineEcho.connectionOptions(options)
        self.onEvent = onEvent
        super.init(loop: loop)
    }

    override func writable() -> Bool { false }

    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        let connection = try AsyncConnection(socket: socket, peerAddress: address, options: options, loop: loop)
        let onEvent = self.onEvent
        onEvent?(EchoEvent(peer: address, kind: .connected))
        Task(executorPreference: loop.executor) {
            await connection.serve { connection in
                await AsyncLineEcho.echo(connection) { kind in onEvent?(EchoEvent(peer: address, kind: kind)) }
            }
        }
    }
}
