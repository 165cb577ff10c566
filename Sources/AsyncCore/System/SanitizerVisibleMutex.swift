import Synchronization

/// Synchronization's `Mutex`, with the ordering it gives told to
/// ThreadSanitizer.
///
/// On Linux a contended `Mutex` is handed from one thread to the next inside
/// the kernel (a priority-inheriting futex), where ThreadSanitizer cannot see
/// it; a `--sanitize=thread` build would then report races between code that
/// only ever runs under the lock. Without the sanitizer this is `Mutex`.
///
/// ```swift
/// let jobs = SanitizerVisibleMutex<[LoopJob]>([])
/// jobs.withLock { $0.append(job) }
/// ```
package struct SanitizerVisibleMutex<Value: ~Copyable>: ~Copyable, Sendable {
    private let mutex: Mutex<Value>
    /// What ThreadSanitizer synchronizes on. Not the value's own storage:
    /// the sanitizer sees an access to it begin before the body runs.
    private let key = Key()
    private final class Key: Sendable {}

    package init(_ value: consuming sending Value) {
        mutex = Mutex(value)
    }

    /// `body` with the value, under the lock.
    @inline(__always)
    package borrowing func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(Failure) -> sending Result in
            ThreadSanitizer.acquire(key)
            defer { ThreadSanitizer.release(key) }
            return try body(&value)
        }
    }
}
