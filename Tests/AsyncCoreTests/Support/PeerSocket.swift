import AsyncCore
import Glibc
import TestSupport

/// Why a ``PeerSocket`` operation gave up.
enum PeerError: Error, CustomStringConvertible {
    case timedOut(String)
    case endOfInput(received: [UInt8])

    var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting to \(what)"
        case .endOfInput(let received): return "end of input after \(received.count) bytes"
        }
    }
}

/// A plain socket driven step by step from the test thread, every wait bounded
/// by a deadline: the far end for servers that run on another thread or in
/// another process, where no test loop can drive a client dispatcher.
struct PeerSocket {
    let socket: Socket

    /// Connects to `address`, waiting at most `limit` for the handshake.
    static func connect(to address: SocketAddress, within limit: Duration = .seconds(10)) throws -> PeerSocket {
        let socket = try Socket.make(family: address.family)
        let peer = PeerSocket(socket: socket)
        do {
            if try !socket.connect(to: address) {
                try peer.wait(for: Int16(POLLOUT), within: limit, "connect to \(address)")
                if let error = try socket.pendingError() { throw SystemError(.connect, errno: error) }
            }
        } catch {
            socket.close()
            throw error
        }
        return peer
    }

    /// Sends every byte of `bytes`.
    func send(_ bytes: [UInt8], within limit: Duration = .seconds(10)) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = try bytes.withUnsafeBytes { raw in try socket.send(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            if let sent { offset += sent } else { try wait(for: Int16(POLLOUT), within: limit, "send") }
        }
    }

    /// Receives exactly `count` bytes.
    /// - Throws: ``PeerError/endOfInput(received:)`` if the peer stops first.
    func receive(count: Int, within limit: Duration = .seconds(10)) throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while received.count < count {
            let wanted = min(chunk.count, count - received.count)
            let got = try chunk.withUnsafeMutableBytes { raw in
                try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<wanted]))
            }
            switch got {
            case nil: try wait(for: Int16(POLLIN), within: limit, "receive \(count) bytes (have \(received.count))")
            case 0: throw PeerError.endOfInput(received: received)
            case let n?: received += chunk[0..<n]
            }
        }
        return received
    }

    /// Receives until the peer finishes sending; returns everything received.
    func receiveToEnd(within limit: Duration = .seconds(10)) throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = try chunk.withUnsafeMutableBytes { raw in try socket.receive(into: raw) }
            switch got {
            case nil: try wait(for: Int16(POLLIN), within: limit, "end of input (have \(received.count) bytes)")
            case 0: return received
            case let n?: received += chunk[0..<n]
            }
        }
    }

    func close() {
        socket.close()
    }

    private func wait(for events: Int16, within limit: Duration, _ what: String) throws {
        guard try Deadline(limit).awaitEvents(events, on: socket.descriptor) else { throw PeerError.timedOut(what) }
    }
}

/// Makes `close` send a reset instead of a FIN (`SO_LINGER` on, 0 seconds).
func setLingerZero(_ socket: Socket) throws {
    var value = linger(l_onoff: 1, l_linger: 0)
    if setsockopt(socket.descriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size)) != 0 {
        throw SystemError(.setsockopt, errno: Errno(rawValue: errno))
    }
}
