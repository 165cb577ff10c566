import Dispatch
import Synchronization
import Testing

/// State shared between a loop thread (or a helper thread) and the test
/// thread. Every update signals, so the test thread waits for a condition
/// with a deadline instead of sleeping and hoping.
final class SharedState<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    private let changed = DispatchSemaphore(value: 0)

    init(_ initial: Value) {
        value = Mutex(initial)
    }

    var current: Value { value.withLock { $0 } }

    func update(_ body: (inout Value) -> Void) {
        value.withLock { body(&$0) }
        changed.signal()
    }

    /// Waits until `condition` holds; records a test failure and returns false
    /// when `limit` passes first.
    @discardableResult
    func wait(
        until condition: (Value) -> Bool,
        limit: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while !condition(current) {
            let left = clock.now.duration(to: deadline)
            let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
            if nanoseconds <= 0 || changed.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut,
               !condition(current) {
                Issue.record("condition not reached within \(limit)", sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }
}
