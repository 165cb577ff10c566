import AsyncCore
import TestSupport

/// A `LineEcho` server listening on a free loopback port, on a loop thread
/// of its own, for the TCP mode tests.
func tcpLineEcho() throws -> ServerThread {
    try ServerThread { loop in
        let listener = LineEchoListener(loop: loop)
        try listener.bind(to: .ipv4(port: 0))
        try listener.listen()
        return try listener.localAddress.port ?? 0
    }
}

/// Accepts connections and serves each with a `LineEcho`.
private final class LineEchoListener: Dispatcher {
    override func writable() -> Bool { false }
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        _ = try LineEcho(socket: socket, loop: loop)
    }
}
