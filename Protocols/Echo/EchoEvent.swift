import AsyncCore

/// Something that happened to one client of an ``EchoServer``, for a log.
/// Its description is the log line, starting with the client's address:
///
/// ```swift
/// let server = try EchoServer(address: .ipv4(port: 7007), loop: loop)
/// server.onEvent = { event in print(event) }
/// // 127.0.0.1:50312: connected
/// // 127.0.0.1:50312: line rejected: longer than 65536 bytes
/// // 127.0.0.1:50312: not reading its echo: paused at 1048576 unsent bytes
/// // 127.0.0.1:50312: reading again: 524288 unsent bytes
/// // 127.0.0.1:50313: failed: TLS handshake failed: wrong version number
/// // 127.0.0.1:50312: disconnected
/// ```
/// Echoed lines and bytes are not events: they are the server's whole
/// work, and a line for each would cost more than the echo.
public struct EchoEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// The server accepted the client's connection.
        case connected
        /// The connection closed, whoever closed it.
        case disconnected
        /// A line longer than `limit` (``EchoOptions/maxLineLength``) was
        /// answered with ``LineEchoChannel/overlongLineReply`` instead of its echo.
        case lineRejected(limit: Int)
        /// The client left this many echo bytes unread, reaching
        /// ``EchoOptions/maxPendingOutput``: the server stopped reading from it.
        case readingPaused(pendingBytes: Int)
        /// The client read enough of its echo: the server reads from it again.
        case readingResumed(pendingBytes: Int)
        /// The connection failed and was closed: a TLS handshake that failed
        /// or took too long, say; `reason` says why.
        case failed(reason: String)
    }

    /// The client's address (as the listening socket accepted it).
    public let peer: SocketAddress
    /// What happened.
    public let kind: Kind

    public init(peer: SocketAddress, kind: Kind) {
        self.peer = peer
        self.kind = kind
    }

    public var description: String {
        // A Unix-domain client is usually unbound: its address has no path.
        let who = peer.description.isEmpty ? "unnamed peer" : peer.description
        switch kind {
        case .connected: return "\(who): connected"
        case .disconnected: return "\(who): disconnected"
        case .lineRejected(let limit): return "\(who): line rejected: longer than \(limit) bytes"
        case .readingPaused(let pending): return "\(who): not reading its echo: paused at \(pending) unsent bytes"
        case .readingResumed(let pending): return "\(who): reading again: \(pending) unsent bytes"
        case .failed(let reason): return "\(who): failed: \(reason)"
        }
    }
}
