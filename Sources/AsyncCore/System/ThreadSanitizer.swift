import CSystem

/// Tells ThreadSanitizer of orderings it cannot see, in a build with
/// `--sanitize=thread`; without the sanitizer each call is one compare.
///
/// Two happen in this package: Swift's `Mutex` hands a contended lock over
/// inside the kernel, and a task whose continuation is resumed before it
/// suspends goes on without the concurrency runtime telling the sanitizer
/// (swiftlang/swift#57803). Either way the sanitizer would report a race
/// between code that is in fact ordered.
///
/// ```swift
/// ThreadSanitizer.beforeResuming()          // on the loop, before it resumes a waiting task
/// continuation.resume(returning: value)
/// // in the task, once the await returns:
/// ThreadSanitizer.afterResumed()
/// ```
package enum ThreadSanitizer {
    /// What this thread did so far happens before whatever a later
    /// ``acquire(_:)`` of `object` is followed by.
    @inlinable
    package static func release(_ object: AnyObject) {
        csystem_tsan_release(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
    }

    /// The other side of ``release(_:)``.
    @inlinable
    package static func acquire(_ object: AnyObject) {
        csystem_tsan_acquire(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
    }

    /// Orders what this thread did so far before what a task does after
    /// ``afterResumed()``: called before resuming a continuation that
    /// another thread may be about to await. (One address for every such
    /// hand-over: a sanitizer build may miss a race between two of them.)
    @inlinable
    package static func beforeResuming() {
        if isRunning { release(handOffKey) }
    }

    /// The other side of ``beforeResuming()``, in the task, once its await returned.
    @inlinable
    package static func afterResumed() {
        if isRunning { acquire(handOffKey) }
    }

    /// True in a build with `--sanitize=thread`.
    @inlinable
    package static var isRunning: Bool { csystem_tsan_is_running() != 0 }

    @usableFromInline final class HandOffKey: Sendable {}
    @usableFromInline static let handOffKey = HandOffKey()
}
