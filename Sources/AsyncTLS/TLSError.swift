/// What went wrong with TLS: loading certificates, a handshake, or a
/// connection's records. Its description reads well in a log line.
///
/// ```swift
/// do {
///     _ = try TLSContext(certificateChainFile: "cert.pem", privateKeyFile: "key.pem")
/// } catch {
///     print(error)   // "cannot load the certificate chain cert.pem: No such file or directory"
/// }
/// ```
/// A handshake or record failure reaches the dispatcher's
/// `handleError(_:)` as this error, and the connection closes.
public enum TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The package was built without its `TLS` trait.
    case unavailable
    /// OpenSSL could not make a context or a connection (out of memory).
    case setup(reason: String)
    /// The certificate chain file could not be read or parsed.
    case certificateChain(path: String, reason: String)
    /// The private key file could not be read or parsed.
    case privateKey(path: String, reason: String)
    /// The private key is not the key of the certificate.
    case keyMismatch(certificateChain: String, privateKey: String)
    /// The trusted certificates (a CA file, or the system's store) could not be loaded.
    case trustedCertificates(path: String?, reason: String)
    /// The peer's certificate was not accepted: not signed by a trusted
    /// authority, expired, or issued for another host.
    case verification(host: String?, reason: String)
    /// The handshake failed: the peer does not speak TLS, or offered nothing acceptable.
    case handshake(reason: String)
    /// The peer closed the connection before the handshake finished.
    case closedDuringHandshake
    /// A record could not be read or written after the handshake (a bad
    /// record, a fatal alert from the peer).
    case connection(reason: String)

    public var description: String {
        switch self {
        case .unavailable:
            return "TLS is not built in: build with `swift build --traits TLS` (needs the system's OpenSSL 3, libssl-dev)"
        case .setup(let reason):
            return "cannot set up TLS: \(reason)"
        case .certificateChain(let path, let reason):
            return "cannot load the certificate chain \(path): \(reason)"
        case .privateKey(let path, let reason):
            return "cannot load the private key \(path): \(reason)"
        case .keyMismatch(let chain, let key):
            return "the private key \(key) does not belong to the certificate \(chain)"
        case .trustedCertificates(let path, let reason):
            return "cannot load the trusted certificates \(path ?? "of the system"): \(reason)"
        case .verification(let host, let reason):
            return "TLS handshake failed: the certificate\(host.map { " of \($0)" } ?? "") was not accepted: \(reason)"
        case .handshake(let reason):
            return "TLS handshake failed: \(reason)"
        case .closedDuringHandshake:
            return "TLS handshake failed: the peer closed the connection"
        case .connection(let reason):
            return "TLS connection failed: \(reason)"
        }
    }
}
