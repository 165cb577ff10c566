import AsyncCore
import Glibc
import TestSupport

/// One end of a loopback TCP connection, or a listener, used from a test
/// thread: every wait has a deadline, so a silent program fails the test
/// instead of hanging it.
final class LocalPeer {
    let socket: Socket

    private init(_ socket: Socket) {
        self.socket = socket
    }

    deinit {
        socket.close()
    }

    /// A listener on 127.0.0.1 and a free port.
    static func listen() throws -> LocalPeer {
        let socket = try Socket.make()
        let peer = LocalPeer(socket)
        try socket.bind(to: .ipv4(port: 0))
        try socket.listen(backlog: 8)
        return peer
    }

    /// A connection to 127.0.0.1:`port`.
    static func connect(port: UInt16, limit: Duration = .seconds(20)) throws -> LocalPeer? {
        try connect(to: .ipv4(port: port), limit: limit)
    }

    /// A connection to `address`; a small `receiveBuffer` (set before the
    /// connect, so it bounds the TCP window) makes the server's output back up sooner.
    static func connect(to address: SocketAddress, receiveBuffer: Int32? = nil, limit: Duration = .seconds(20)) throws -> LocalPeer? {
        let peer = LocalPeer(try Socket.make(family: address.family))
        if let receiveBuffer { try peer.socket.setOption(.receiveBufferSize, to: Int(receiveBuffer)) }
        if try !peer.socket.connect(to: address) {
            guard try peer.wait(for: Int16(POLLOUT), limit: limit), try peer.socket.pendingError() == nil else { return nil }
        }
        return peer
    }

    /// Whether this machine has an IPv6 loopback to listen on.
    static let hasIPv6Loopback: Bool = {
        guard let socket = try? Socket.make(family: .ipv6) else { return false }
        defer { socket.close() }
        return (try? socket.bind(to: SocketAddress(ip: "::1", port: 0))) != nil
    }()

    var port: UInt16 {
        get throws { try socket.localAddress().port ?? 0 }
    }

    /// This end's address, as the other end sees it.
    var address: SocketAddress {
        get throws { try socket.localAddress() }
    }

    /// Sends what the socket takes now of `bytes`; returns how many.
    func sendSome(_ bytes: ArraySlice<UInt8>) throws -> Int {
        try bytes.withUnsafeBytes { raw throws(SystemError) in try socket.send(raw) } ?? 0
    }

    /// Receives what has arrived by now, without waiting; empty when nothing has.
    func receiveAvailable() throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while let count = try chunk.withUnsafeMutableBytes({ raw throws(SystemError) in try socket.receive(into: raw) }), count > 0 {
            received += chunk[0..<count]
        }
        return received
    }

    /// The next connection to this listener, or nil when none comes in time.
    func accept(limit: Duration = .seconds(20)) throws -> LocalPeer? {
        guard try wait(for: Int16(POLLIN), limit: limit), let (connection, _) = try socket.accept() else { return nil }
        return LocalPeer(connection)
    }

    /// Sends all of `bytes`; false if the peer stopped taking them in time.
    func sendAll(_ bytes: [UInt8], limit: Duration = .seconds(20)) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = try bytes[offset...].withUnsafeBytes { raw throws(SystemError) in try socket.send(raw) }
            if let sent {
                offset += sent
            } else if try !wait(for: Int16(POLLOUT), limit: limit) {
                return false
            }
        }
        return true
    }

    /// Receives until `complete` holds for what came, the peer finishes
    /// sending, or `limit` passes; returns what came.
    func receive(limit: Duration = .seconds(20), until complete: ([UInt8]) -> Bool) throws -> [UInt8] {
        let deadline = Deadline(limit)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !complete(received) {
            let count = try chunk.withUnsafeMutableBytes { raw throws(SystemError) in try socket.receive(into: raw) }
            if count == 0 { break }
            if let count {
                received += chunk[0..<count]
            } else if try !deadline.awaitEvents(Int16(POLLIN), on: socket.descriptor) {
                break
            }
        }
        return received
    }

    private func wait(for events: Int16, limit: Duration) throws -> Bool {
        try Deadline(limit).awaitEvents(events, on: socket.descriptor)
    }
}
