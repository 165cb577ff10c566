import AsyncCore
import Chat
import TestSupport

/// A chat server on a free loopback port, on a loop thread of its own, for
/// the tests that talk to it over TCP.
func tcpChatServer() throws -> ServerThread {
    try ServerThread { loop in
        try ChatServer(address: .ipv4(port: 0), loop: loop).localAddress.port ?? 0
    }
}
