import AsyncChat
import AsyncCore

extension ServerUnderTest {
    /// In-process, served with async/await: each connection becomes an
    /// `AsyncConnection` on the run's loop, and `serve` runs for it in a
    /// task that prefers the loop's executor, so the task runs on the
    /// kit's thread during the loop's passes, as it would on a server's loop.
    ///
    /// ```swift
    /// let echo = ServerUnderTest.inProcess(connectionOptions: AsyncConnectionOptions(terminator: .lf)) { connection in
    ///     do {
    ///         for try await line in connection.frames { try await connection.write(line + [10]) }
    ///         try await connection.close()
    ///     } catch {}
    /// }
    /// try dialogue.run(against: echo, chunking: .all())
    /// ```
    public static func inProcess(
        socketBufferSize: Int? = nil,
        connectionOptions: AsyncConnectionOptions,
        serving serve: @escaping @Sendable (AsyncConnection) async -> Void
    ) -> ServerUnderTest {
        inProcess(socketBufferSize: socketBufferSize) { socket, loop in
            let peer = (try? socket.peerAddress()) ?? .unix(path: "")
            let connection = try AsyncConnection(socket: socket, peerAddress: peer, options: connectionOptions, loop: loop)
            Task(executorPreference: loop.executor) { await serve(connection) }
            return connection.dispatcher
        }
    }
}
