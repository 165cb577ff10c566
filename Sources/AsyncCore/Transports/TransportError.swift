/// Why ``Dispatcher/upgrade(to:)`` refused a layer, or why a layer's setup failed.
///
/// ```swift
/// do { try dispatcher.upgrade(to: layer) }
/// catch { print(error) }   // "cannot add a transport layer: the dispatcher has no socket yet"
/// ```
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dispatcher has no socket yet, or it was closed.
    case noSocket
    /// The dispatcher reads a file or pipe, or already has a layer.
    case notASocketOrLayeredAlready
    /// The layer was made over another socket than the dispatcher's.
    case layerOverAnotherSocket
    /// The layer's setup with the peer (a TLS handshake) did not finish in
    /// its ``TransportLayer/setupTimeout``.
    case setupTimedOut(after: Duration)

    public var description: String {
        switch self {
        case .noSocket: return "cannot add a transport layer: the dispatcher has no socket yet"
        case .notASocketOrLayeredAlready: return "cannot add a transport layer: the dispatcher has a layer already or is not over a socket"
        case .layerOverAnotherSocket: return "cannot add a transport layer: the layer is over another socket than the dispatcher's"
        case .setupTimedOut(let limit): return "the transport layer's setup (a TLS handshake) did not finish within \(limit.shortText)"
        }
    }
}
