/// The frames of an ``AsyncConnection``'s input: ``AsyncConnection/frames``.
///
/// ```swift
/// for try await line in connection.frames {
///     print(String(decoding: line, as: UTF8.self))
/// }
/// ```
/// Every iterator takes from the same connection: a frame is taken once,
/// and a new iteration goes on where the last one stopped.
public struct AsyncFrames: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>
    public typealias Failure = ConnectionError

    let connection: AsyncConnection

    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection)
    }

    /// Takes the connection's frames one at a time; see ``AsyncConnection/nextFrame()``.
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
