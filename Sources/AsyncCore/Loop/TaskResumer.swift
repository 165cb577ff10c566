/// A continuation to be resumed from a loop's thread, while the task that
/// awaits it may run on another: resuming it first tells ThreadSanitizer
/// that what the loop did happens before what the task does next (the
/// task calls ``ThreadSanitizer/afterResumed()`` once its await returns).
///
/// ```swift
/// let value = await withUnsafeContinuation { continuation in
///     handle.execute { TaskResumer(continuation).resume(returning: 42) }
/// }
/// ThreadSanitizer.afterResumed()
/// ```
package struct TaskResumer<Value, Failure: Error>: Sendable {
    private let continuation: UnsafeContinuation<Value, Failure>

    @inline(__always)
    package init(_ continuation: UnsafeContinuation<Value, Failure>) {
        self.continuation = continuation
    }

    @inline(__always)
    package func resume(returning value: sending Value) {
        ThreadSanitizer.beforeResuming()
        continuation.resume(returning: value)
    }

    @inline(__always)
    package func resume(throwing error: Failure) {
        ThreadSanitizer.beforeResuming()
        continuation.resume(throwing: error)
    }

    @inline(__always)
    package func resume() where Value == Void {
        resume(returning: ())
    }
}
