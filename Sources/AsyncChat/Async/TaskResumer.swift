import AsyncCore

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
struct TaskResumer<Value>: Sendable {
    // In this module, beside its callers: from another one its generic
    // methods were not specialized, which cost about 400 instructions per
    // echoed line in the async echo.
    private let continuation: UnsafeContinuation<Value, Never>

    @inline(__always)
    init(_ continuation: UnsafeContinuation<Value, Never>) {
        self.continuation = continuation
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
