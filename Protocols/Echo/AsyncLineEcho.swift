import AsyncChat
import AsyncCore

/// The line echo of ``LineEchoChannel`` written with async/await: the same
/// bytes for the same input, on `AsyncConnection`s.
///
/// ```swift
/// let loop = try EventLoop()
/// let listener = try AsyncListener(
///     address: .ipv4("127.0.0.1", port: 7007), options: AsyncLineEcho.connectionOptions(EchoOptions()), loop: loop)
/// Task(executorPreference: loop.executor) {
///     await AsyncLineEcho.serve(listener) { event in print(event) }
/// }
/// try loop.runUntilStopped()        // the tasks run on this thread, between the loop's I/O
/// ```
/// Each line goes back with the line end it came with; a line longer than
/// ``EchoOptions/maxLineLength`` is answered with
/// ``LineEchoChannel/overlongLineReply``; an unterminated last line is
/// echoed as it is, then the connection closes. A client that does not
/// read its echo makes the echo's writes wait above
/// ``EchoOptions/maxPendingOutput``; its lines then wait in a bounded
/// buffer, and the socket is no longer read.
public enum AsyncLineEcho {
    private static let lineFeed: [UInt8] = [10]

    /// The connection options of the line echo: LF lines, with the bounds of `options`.
    ///
    /// ```swift
    /// let options = AsyncLineEcho.connectionOptions(try EchoOptions(maxLineLength: 1024))
    /// let listener = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), options: options, loop: thread.handle)
    /// ```
    public static func connectionOptions(_ options: EchoOptions) -> AsyncConnectionOptions {
        AsyncConnectionOptions(
            terminator: .lf,
            maxFrameLength: options.maxLineLength,
            highWatermark: options.maxPendingOutput,
            lowWatermark: options.maxPendingOutput / 2
        )
    }

    /// Serves every client `listener` accepts, each in a task of its own on
    /// the loop's thread (`AsyncListener.serve(_:)`), until the listener is
    /// closed or the serving task is cancelled. `onEvent` hears of each
    /// client's connection, rejected lines and end.
    ///
    /// ```swift
    /// let server = Task { await AsyncLineEcho.serve(listener) { print($0) } }
    /// // ... later:
    /// server.cancel()                 // every client's task ends, the listener closes
    /// ```
    public static func serve(_ listener: AsyncListener, onEvent: (@Sendable (EchoEvent) -> Void)? = nil) async {
        do {
            try await listener.serve { connection in
                let peer = connection.peerAddress
                onEvent?(EchoEvent(peer: peer, kind: .connected))
                await echo(connection) { kind in onEvent?(EchoEvent(peer: peer, kind: kind)) }
            }
        } catch {
            // Cancelled (and with it every client's task), or the loop closed the listener.
        }
    }

    /// Echoes one client's lines until it finishes sending, then closes
    /// once everything is sent. Returns when the connection has ended. It
    /// runs on the caller's executor: on the loop's thread when the caller
    /// runs there.
    ///
    /// ```swift
    /// let connection = try await AsyncConnection.connect(
    ///     to: address, options: AsyncLineEcho.connectionOptions(EchoOptions()), loop: thread.handle)
    /// await AsyncLineEcho.echo(connection)  // echoes what the peer sends back to it
    /// ```
    nonisolated(nonsending)
    public static func echo(_ connection: AsyncConnection, onEvent: (@Sendable (EchoEvent.Kind) -> Void)? = nil) async {
        do throws(ConnectionError) {
            while true {
                do throws(ConnectionError) {
                    for try await line in connection.frames {
                        try await connection.write(line)
                        try await connection.write(lineFeed)
                    }
                    break
                } catch .frameTooLong(let limit) {
                    try await connection.write(LineEchoChannel.overlongLineReply)
                    onEvent?(.lineRejected(limit: limit))
                }
            }
            let tail = await connection.unterminatedInput
            if !tail.isEmpty { try await connection.write(tail) }
            try await connection.close()
        } catch {
            // The client is gone, or the task was cancelled: nothing is left to echo to.
        }
        onEvent?(.disconnected)
    }
}
