/// Which servers a TLS client accepts.
///
/// ```swift
/// let web = try TLSContext(trust: .systemStore)                          // browsers' rules
/// let lab = try TLSContext(trust: .certificates(file: "test-ca.pem"))     // a private authority
/// let any = try TLSContext(trust: .anyCertificate)                       // --insecure
/// ```
public enum TLSTrust: Hashable, Sendable {
    /// Certificates signed by an authority in the system's store
    /// (`/etc/ssl/certs`), issued for the host name connected to.
    case systemStore
    /// Certificates signed by one in `file` (PEM), issued for the host name
    /// connected to.
    case certificates(file: String)
    /// Every certificate, unchecked: the connection is encrypted but the
    /// server is not authenticated. For tests and `--insecure` only.
    case anyCertificate
}
