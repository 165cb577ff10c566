import AsyncCore

/// Why an operation on an ``AsyncConnection`` or ``AsyncListener`` failed.
/// Its description reads well in a log line:
///
/// ```swift
/// do {
///     for try await line in connection.frames { try await connection.write(line) }
/// } catch {
///     print("\(connection.peerAddress): \(error)")   // "127.0.0.1:50312: connection lost: reset by the peer or broken"
/// }
/// ```
public enum ConnectionError: Error, Hashable, CustomStringConvertible {
    /// An incoming frame grew longer than `limit` bytes
    /// (``AsyncConnectionOptions/maxFrameLength``). The rest of that frame
    /// is skipped: asking for the next frame again goes on after it.
    case frameTooLong(limit: Int)
    /// The connection was closed on this side, by ``AsyncConnection/close()``
    /// or by cancellation, after everything written before was sent.
    case closed
    /// The connection's event loop closed it: the loop went away (its
    /// `EventLoopThread` stopped, or the `EventLoop` was released), or
    /// it closed every dispatcher (`EventLoop.closeAll()`). Output not yet
    /// sent was dropped; a listener accepts no more.
    case closedByLoop
    /// ``AsyncConnection/shutdownOutput()`` was called: nothing more can be written.
    case outputShutDown
    /// The connection was lost: the peer reset it, or stopped reading and
    /// went away (`ECONNRESET`, `EPIPE`). Output not yet sent is lost.
    case disconnected
    /// The task waiting on the connection was cancelled; the connection
    /// closes once what was written before is sent.
    case cancelled
    /// A system call failed: a refused connect, say.
    case system(SystemError)

    public var description: String {
        switch self {
        case .frameTooLong(let limit): return "incoming frame longer than the limit of \(limit) bytes"
        case .closed: return "connection closed"
        case .closedByLoop: return "closed by its event loop; output not yet sent was dropped"
        case .outputShutDown: return "output already shut down"
        case .disconnected: return "connection lost: reset by the peer or broken"
        case .cancelled: return "cancelled"
        case .system(let error): return "\(error)"
        }
    }
}
