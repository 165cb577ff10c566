import AsyncCore

/// Sends back every byte it receives.
final class ByteEcho: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(4096)
        if !bytes.isEmpty { try send(bytes) }
    }
}
