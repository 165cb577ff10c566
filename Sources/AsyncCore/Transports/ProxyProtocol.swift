/// Which accepted connections must start with a PROXY protocol header (as
/// HAProxy, nginx or a cloud load balancer send it), and how long and how
/// big that header may be.
///
/// ```swift
/// let server = EchoServer(...)
/// server.proxyProtocol = ProxyProtocol(trustedSources: try AddressRange.list("127.0.0.0/8,::1/128"))
/// ```
/// A connection from a trusted source is handed to
/// ``Dispatcher/handleAccepted(socket:address:)`` only once its header is
/// read, with the client the header names as its address; bytes after the
/// header are the client's and stay unread for the handler. A connection from
/// any other source is a direct client: no header is expected, and one that
/// comes is just data. A trusted connection whose header is missing,
/// malformed, too long, cut short or late is closed with a log line naming
/// the proxy and the ``ProxyHeaderError``.
public struct ProxyProtocol: Sendable, Hashable {
    /// The proxies' addresses; their connections must start with a header.
    public var trustedSources: [AddressRange]
    /// How long a trusted connection may take to send its header. Default: 5 s.
    public var timeout: Duration
    /// The longest header taken, version 2's extensions included (a version 1
    /// line is at most 107 bytes). Default: 4096 bytes.
    public var maxHeaderLength: Int

    public init(trustedSources: [AddressRange], timeout: Duration = .seconds(5), maxHeaderLength: Int = 4096) {
        self.trustedSources = trustedSources
        self.timeout = timeout
        self.maxHeaderLength = max(16, maxHeaderLength)
    }

    /// True when connections from `address` must start with a header.
    public func trusts(_ address: SocketAddress) -> Bool {
        trustedSources.contains { $0.contains(address) }
    }
}
