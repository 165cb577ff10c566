import AsyncCore
import Glibc

extension SocketAddress {
    /// Whether a TCP connection to this address is refused: nothing listens
    /// there (any more). Waits at most 10 seconds for the answer.
    ///
    ///     #expect(try server.address.refusesConnections)
    public var refusesConnections: Bool {
        get throws {
            let socket = try Socket.make(family: family)
            defer { socket.close() }
            do {
                if try socket.connect(to: self) { return false }
            } catch where error.errno == .connectionRefused {
                return true
            }
            guard try Deadline(.seconds(10)).awaitEvents(Int16(POLLOUT), on: socket.descriptor) else { return false }
            return try socket.pendingError() == .connectionRefused
        }
    }
}
