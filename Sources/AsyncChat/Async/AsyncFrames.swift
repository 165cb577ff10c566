/// The frames of an ``AsyncConnection``'s input: ``AsyncConnection/frames``.
public struct AsyncFrames: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>
    public typealias Failure = ConnectionError

    let connection: AsyncConnection

    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection)
    }

    /// Takes the connection's frames one at a time.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline let connection: AsyncConnection

        @inlinable
        nonisolated(nonsending)
        public mutating func next() async throws(ConnectionError) -> ArraySlice<UInt8>? {
            try await connection.nextFrame()
        }

        @inlinable
        nonisolated(nonsending)
        public mutating func next(isolation actor: (any Actor)?) async throws(ConnectionError) -> ArraySlice<UInt8>? {
            try await connection.nextFrame()
        }
    }
}
