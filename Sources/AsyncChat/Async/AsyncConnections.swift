/// The clients an ``AsyncListener`` accepts: ``AsyncListener/connections``.
///
/// ```swift
/// for try await connection in listener.connections {
///     print("accepted \(connection.peerAddress)")
/// }
/// ```
public struct AsyncConnections: AsyncSequence, Sendable {
    public typealias Element = AsyncConnection
    public typealias Failure = ConnectionError

    let listener: AsyncListener

    public func makeAsyncIterator() -> Iterator {
        Iterator(listener: listener)
    }

    /// Takes accepted connections one at a time; see ``AsyncListener/nextConnection()``.
    public struct Iterator: AsyncIteratorProtocol {
        let listener: AsyncListener

        nonisolated(nonsending)
        public mutating func next() async throws(ConnectionError) -> AsyncConnection? {
            try await listener.nextConnection()
        }

        nonisolated(nonsending)
        public mutating func next(isolation actor: (any Actor)?) async throws(ConnectionError) -> AsyncConnection? {
            try await listener.nextConnection()
        }
    }
}
