import AsyncCore
import Glibc
import TestSupport

/// A TCP client of a probe on 127.0.0.1, driven step by step from the test
/// thread; every wait has a deadline.
final class Client {
    let socket: Socket
    private var closed = false

    /// Starts connecting without waiting; a small `receiveBuffer` (set before
    /// the connect, so it bounds the window) makes the server's output back up sooner.
    init(port: UInt16, receiveBuffer: Int32? = nil) throws {
        socket = try Socket.make(family: .ipv4)
        do {
            if let receiveBuffer { try socket.setOption(.receiveBufferSize, to: Int(receiveBuffer)) }
            _ = try socket.connect(to: .ipv4(host: "127.0.0.1", port: port))
        } catch {
            socket.close()
            throw error
        }
    }

    /// Connects and waits for the handshake.
    static func connected(to port: UInt16, receiveBuffer: Int32? = nil, within limit: Duration = .seconds(10)) throws -> Client {
        let client = try Client(port: port, receiveBuffer: receiveBuffer)
        guard try Deadline(limit).awaitEvents(Int16(POLLOUT), on: client.socket.descriptor) else {
            throw FaultError("timed out connecting to port \(port)")
        }
        if let error = try client.socket.pendingError() { throw SystemError(.connect, errno: error) }
        return client
    }

    deinit {
        close()
    }

    /// Sends every byte of `bytes`.
    func send(_ bytes: [UInt8], within limit: Duration = .seconds(20)) throws {
        let deadline = Deadline(limit)
        var offset = 0
        while offset < bytes.count {
            offset += try bytes.withUnsafeBytes { try sendSome(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if offset < bytes.count, try !deadline.awaitEvents(Int16(POLLOUT), on: socket.descriptor) {
                throw FaultError("timed out sending (\(offset) of \(bytes.count) bytes sent)")
            }
        }
    }

    /// Sends what the socket takes now; returns how much.
    func sendSome(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard !bytes.isEmpty else { return 0 }
        return try socket.send(bytes) ?? 0
    }

    /// Receives exactly `count` bytes.
    func receive(count: Int, within limit: Duration = .seconds(20)) throws -> [UInt8] {
        let deadline = Deadline(limit)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while received.count < count {
            let wanted = min(chunk.count, count - received.count)
            let got = try chunk.withUnsafeMutableBytes { try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
            switch got {
            case 0: throw FaultError("end of input after \(received.count) of \(count) bytes")
            case let got?: received += chunk[0..<got]
            case nil:
                if try !deadline.awaitEvents(Int16(POLLIN), on: socket.descriptor) {
                    throw FaultError("timed out receiving (\(received.count) of \(count) bytes)")
                }
            }
        }
        return received
    }

    /// Receives into `buffer` what is there now: the byte count, 0 when
    /// nothing is, nil at end of input.
    func receiveAvailable(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        switch try socket.receive(into: buffer) {
        case 0: return nil
        case let count?: return count
        case nil: return 0
        }
    }

    /// Receives until the server finishes sending.
    func receiveToEnd(within limit: Duration = .seconds(20)) throws -> [UInt8] {
        let deadline = Deadline(limit)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            switch try chunk.withUnsafeMutableBytes({ try socket.receive(into: $0) }) {
            case 0: return received
            case let got?: received += chunk[0..<got]
            case nil:
                if try !deadline.awaitEvents(Int16(POLLIN), on: socket.descriptor) {
                    throw FaultError("timed out waiting for end of input (\(received.count) bytes received)")
                }
            }
        }
    }

    /// Sends `text`, then expects exactly `expected` back: a round trip of a
    /// well-behaved client.
    func expectReply(to text: String, _ expected: String, within limit: Duration = .seconds(20)) throws -> Bool {
        try send(Array(text.utf8), within: limit)
        let reply = try receive(count: expected.utf8.count, within: limit)
        return reply == Array(expected.utf8)
    }

    /// Sends a FIN: the server reads end of input; we can still read.
    func shutdownOutput() throws {
        try socket.shutdown(.write)
    }

    /// Closes with a reset (`SO_LINGER` 0) rather than a FIN, discarding
    /// whatever either side still had in flight.
    func reset() {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    func close() {
        guard !closed else { return }
        closed = true
        socket.close()
    }
}
