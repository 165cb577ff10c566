import Synchronization

/// A value that tasks on the loop update and the test reads, from any thread.
final class Record<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ initial: Value) {
        value = Mutex(initial)
    }

    var current: Value { value.withLock { $0 } }

    func update(_ body: @Sendable (inout Value) -> Void) {
        value.withLock { body(&$0) }
    }
}
