import AsyncCore

/// A continuation to be resumed from a loop's thread, while the task that
/// awaits it may run on another: resuming it first tells ThreadSanitizer
/// that what the loop did happens before what the task does next, which
/// ``wait(_:)`` tells it on the task's side.
///
/// ```swift
/// let value = await TaskResumer<Int>.wait { resumer in
///     handle.execute { resumer.resume(returning: 42) }
/// }
/// ```
struct TaskResumer<Value>: Sendable {
    // In this module, beside its callers: from another one its generic
    // methods were not specialized, which cost about 400 instructions per
    // echoed line in the async echo.
    private let continuation: UnsafeContinuation<Value, Never>

    @inline(__always)
    private init(_ continuation: UnsafeContinuation<Value, Never>) {
        self.continuation = continuation
    }

    /// Suspends the calling task until `body`'s resumer is resumed, and
    /// returns the value it was resumed with.
    @inline(__always)
    nonisolated(nonsending)
    static func wait(_ body: (TaskResumer<Value>) -> Void) async -> sending Value {
        let value = await withUnsafeContinuation { body(TaskResumer($0)) }
        ThreadSanitizer.afterResumed()
        return value
    }

    @inline(__always)
    func resume(returning value: sending Value) {
        ThreadSanitizer.beforeResuming()
        continuation.resume(returning: value)
    }

    @inline(__always)
    func resume() where Value == Void {
        resume(returning: ())
    }
}
