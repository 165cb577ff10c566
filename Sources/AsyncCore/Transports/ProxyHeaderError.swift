/// Why a connection that had to start with a PROXY protocol header was closed.
///
/// ```swift
/// print(ProxyHeaderError.tooLong(limit: 4096))
/// // "PROXY protocol header longer than 4096 bytes"
/// ```
public enum ProxyHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first bytes are neither a version 1 (`PROXY `) nor a version 2 signature.
    case notAProxyHeader
    /// The header breaks the specification; the text says how.
    case malformed(String)
    /// The header does not end within the limit.
    case tooLong(limit: Int)
    /// The peer closed the connection before the header was complete.
    case endedEarly
    /// The header was not complete in time.
    case timedOut

    public var description: String {
        switch self {
        case .notAProxyHeader: return "no PROXY protocol header where one is required"
        case .malformed(let reason): return "malformed PROXY protocol header: \(reason)"
        case .tooLong(let limit): return "PROXY protocol header longer than \(limit) bytes"
        case .endedEarly: return "connection closed before its PROXY protocol header was complete"
        case .timedOut: return "PROXY protocol header not complete in time"
        }
    }
}
