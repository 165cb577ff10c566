import AsyncCore

/// Where a server program listens, as `--host` and `--port` gave it.
///
/// ```swift
/// let address = ListenAddress(host: "::1", port: 7007)
/// let server = try address.open { address in try EchoServer(address: address, loop: loop) }
/// ```
public struct ListenAddress: Hashable {
    /// A name, an IPv4 address or an IPv6 address without brackets (see
    /// ``ArgumentScanner/host(for:)``).
    public var host: String
    /// 0 picks a free port.
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Resolves ``host`` (blocking, so before the loop runs) and hands its
    /// first address to `open`, which makes the listening server there.
    /// - Throws: `AddressError` when the host does not resolve,
    ///   ``ListenError`` naming the address when `open` throws a
    ///   `SystemError` (the port is taken, say), and whatever else `open` throws.
    public func open<Server>(_ open: (SocketAddress) throws -> Server) throws -> Server {
        guard let address = try SocketAddress.resolve(host: host, port: port).first else {
            throw AddressError.noAddresses(host: host)
        }
        do {
            return try open(address)
        } catch let error as SystemError {
            throw ListenError(address: address, reason: error)
        }
    }
}
