/// Runs `body` with a deadline: past `limit` of real time its task is
/// cancelled and the call throws ``TimeLimitExceeded``, so an async test
/// that waits for something that never comes fails instead of hanging.
///
///     let line = try await withTimeLimit(.seconds(20)) { try await connection.nextFrame() }
public func withTimeLimit<Value: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeLimitExceeded(limit: limit) }
        return value
    }
}

/// A ``withTimeLimit(_:_:)`` body did not finish in time.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "not done within \(limit)" }
}
