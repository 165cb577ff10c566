/// Why ``Dispatcher/upgrade(to:)`` refused a layer.
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

    public var description: String {
        switch self {
        case .noSocket: return "cannot add a transport layer: the dispatcher has no socket yet"
        case .notASocketOrLayeredAlready: return "cannot add a transport layer: the dispatcher has a layer already or is not over a socket"
        case .layerOverAnotherSocket: return "cannot add a transport layer: the layer is over another socket than the dispatcher's"
        }
    }
}
