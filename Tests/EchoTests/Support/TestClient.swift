import AsyncCore
import Glibc

/// A plain non-blocking client socket, stepped by hand between loop passes,
/// so the test sees exactly what it sent and what came back.
final class TestClient {
    let socket: Socket
    private(set) var sent: [UInt8] = []
    private(set) var received: [UInt8] = []
    private(set) var receivedEndOfInput = false

    /// Connects to `address`; a small `receiveBuffer` (set before the
    /// connect, so it bounds the TCP window) makes the server's echo back up sooner.
    init(connectingTo address: SocketAddress, receiveBuffer: Int32? = nil) throws {
        socket = try Socket.make(family: address.family)
        if let receiveBuffer {
            try socket.setOption(.receiveBufferSize, to: Int(receiveBuffer))
        }
        _ = try socket.connect(to: address)
    }

    deinit {
        socket.close()
    }

    /// Sends as much of `bytes` as the socket takes now; returns how many.
    @discardableResult
    func sendSome(_ bytes: ArraySlice<UInt8>) throws -> Int {
        guard !bytes.isEmpty else { return 0 }
        let count = try bytes.withUnsafeBytes { raw throws(SystemError) in try socket.send(raw) } ?? 0
        sent += bytes.prefix(count)
        return count
    }

    /// Reads everything available now into ``received``; notes end of input.
    func receiveAvailable() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !receivedEndOfInput {
            let count = try buffer.withUnsafeMutableBytes { raw throws(SystemError) in try socket.receive(into: raw) }
            guard let count else { return }
            if count == 0 {
                receivedEndOfInput = true
            } else {
                received += buffer[0..<count]
            }
        }
    }

    func shutdownOutput() throws {
        try socket.shutdown(.write)
    }
}
