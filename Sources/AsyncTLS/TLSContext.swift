#if TLS
internal import CSSL
#endif

/// What the TLS connections of a server or a client share: the server's
/// certificate and key, or the client's trust in servers, and the time a
/// handshake may take. Make one at start-up and a ``TLSLayer`` per connection.
///
/// ```swift
/// let server = try TLSContext(certificateChainFile: "cert.pem", privateKeyFile: "key.pem")
/// let client = try TLSContext(trust: .systemStore)
/// ```
/// A context is immutable and `Sendable`: one may serve the loops of many
/// threads. Built without the package's `TLS` trait, every initializer
/// throws ``TLSError/unavailable``; ``isAvailable`` tells beforehand.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the OpenSSL context is only read once it is set up, and
    // OpenSSL itself guards what it changes in it (reference counts, the
    // session cache), so connections on many threads may share it.

    /// Whether this build has TLS (the package's `TLS` trait).
    public static var isAvailable: Bool {
        #if TLS
        return true
        #else
        return false
        #endif
    }

    /// Whether connections are servers (a certificate and key) or clients.
    public let isServer: Bool
    /// How long a handshake may take before the connection is closed with
    /// `TransportError.setupTimedOut(after:)`.
    public let handshakeTimeout: Duration
    /// Which servers a client accepts; ``TLSTrust/anyCertificate`` for a server.
    public let trust: TLSTrust

    #if TLS
    let native: OpaquePointer
    #endif

    /// A server's context: its certificate chain (PEM: the certificate first,
    /// then the intermediates) and its private key (PEM).
    ///
    /// - Parameters:
    ///   - certificateChainFile: the certificate, then its intermediates, in PEM.
    ///   - privateKeyFile: the certificate's private key, in PEM.
    ///   - handshakeTimeout: default 10 seconds.
    /// - Throws: ``TLSError`` when a file cannot be read or parsed, or the
    ///   key does not belong to the certificate.
    public init(certificateChainFile: String, privateKeyFile: String, handshakeTimeout: Duration = .seconds(10)) throws(TLSError) {
        isServer = true
        trust = .anyCertificate
        self.handshakeTimeout = handshakeTimeout
        #if TLS
        let context = try Self.makeContext(method: TLS_server_method())
        native = context
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1 else {
            throw .certificateChain(path: certificateChainFile, reason: OpenSSLErrors.take())
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(context) == 1 else {
            let reason = OpenSSLErrors.take()
            if reason == "key values mismatch" {
                throw .keyMismatch(certificateChain: certificateChainFile, privateKey: privateKeyFile)
            }
            throw .privateKey(path: privateKeyFile, reason: reason)
        }
        // Stateless session tickets resume sessions; a server-side cache
        // would grow with every client.
        _ = cssl_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        #else
        throw .unavailable
        #endif
    }

    /// A client's context: which servers it accepts.
    ///
    /// - Parameters:
    ///   - trust: default ``TLSTrust/systemStore``: the host name must match
    ///     and the certificate must be signed by an authority the system trusts.
    ///   - handshakeTimeout: default 10 seconds.
    /// - Throws: ``TLSError/trustedCertificates(path:reason:)`` when the trusted
    ///   certificates cannot be loaded.
    public init(trust: TLSTrust = .systemStore, handshakeTimeout: Duration = .seconds(10)) throws(TLSError) {
        isServer = false
        self.trust = trust
        self.handshakeTimeout = handshakeTimeout
        #if TLS
        let context = try Self.makeContext(method: TLS_client_method())
        native = context
        switch trust {
        case .systemStore:
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw .trustedCertificates(path: nil, reason: OpenSSLErrors.take())
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        case .certificates(let file):
            guard SSL_CTX_load_verify_locations(context, file, nil) == 1 else {
                throw .trustedCertificates(path: file, reason: OpenSSLErrors.take())
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        case .anyCertificate:
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        #else
        throw .unavailable
        #endif
    }

    #if TLS
    deinit {
        SSL_CTX_free(native)
    }

    /// A context with what every connection gets: TLS 1.2 or later, no
    /// renegotiation, partial writes, and record buffers released while idle.
    private static func makeContext(method: OpaquePointer?) throws(TLSError) -> OpaquePointer {
        OpenSSLErrors.clear()
        guard let context = SSL_CTX_new(method) else { throw .setup(reason: OpenSSLErrors.take()) }
        _ = cssl_SSL_CTX_set_min_proto_version(context, CSSL_TLS1_2_VERSION)
        _ = SSL_CTX_set_options(context, CSSL_OP_NO_RENEGOTIATION)
        _ = cssl_SSL_CTX_set_mode(context, CSSL_MODE_PARTIAL_WRITES | CSSL_MODE_RELEASE_BUFFERS)
        return context
    }
    #endif
}
