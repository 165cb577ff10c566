import AsyncCore

/// Why the session with the server failed, after the server's address:
/// `127.0.0.1:7007: connect failed: Connection refused (ECONNREFUSED)`.
struct EchoClientError: Error, CustomStringConvertible {
    let address: SocketAddress
    let reason: String

    var description: String { "\(address): \(reason)" }
}
