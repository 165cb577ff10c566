import AsyncChat
import AsyncCore

/// The line echo of ``LineEchoChannel`` written with async/await: the same
/// bytes for the same input, on ``AsyncConnection``s.
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
    public static func connectionOptions(_ options: EchoOptions) -> AsyncConnectionOptions {
        AsyncConnectionOptions(
            terminator: .lf,
            maxFrameLength: options.maxLineLength,
            highWatermark: options.maxPendingOutput,
            lowWatermark: options.maxPendingOutput / 2
        )
    }

    /// Serves every client `listener` accepts, each in a child task of a
    /// discarding task group, until the listener is closed. `onEvent` hears
    /// of each client's connection, rejected lines and end.
    public static func serve(_ listener: AsyncListener, onEvent: (@Sendable (EchoEvent) -> Void)? = nil) async {
        do {
            try await listener.serve { connection in
                let peer = connection.peerAddress
                onEvent?(EchoEvent(peer: peer, kind: .connected))
                await echo(connection) { kind in onEvent?(EchoEvent(peer: peer, kind: kind)) }
            }
        } catch {
            // Cancelled, or the loop closed the listener: the clients go on.
        }
    }

    /// Echoes one client's lines until it finishes sending, then closes
    /// once everything is sent. Returns when the connection has ended.
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
