/// Why work submitted to a loop through its ``LoopHandle`` did not run.
///
/// ```swift
/// do {
///     let count = try await handle.submit { loop in loop.dispatchers.count }
/// } catch let error as LoopHandleError {
///     print(error)    // event loop 3 (thread 'loop-0') has stopped: the submitted closure did not run
/// }
/// ```
/// An error thrown by the submitted closure itself is never wrapped in this
/// type: it reaches the caller as it was thrown.
public enum LoopHandleError: Error, Equatable, CustomStringConvertible {
    /// The loop ended (its thread stopped, or the loop was released) before
    /// it ran the closure; the associated value names the loop.
    case loopStopped(String)
    /// ``LoopHandle/submitAndWait(_:)`` was called on the loop's own
    /// thread, which would wait for itself forever; the associated value
    /// names the loop.
    case waitOnLoopThread(String)

    public var description: String {
        switch self {
        case .loopStopped(let loop):
            "\(loop) has stopped: the submitted closure did not run"
        case .waitOnLoopThread(let loop):
            "submitAndWait called on the thread of \(loop), which would wait for itself: call the closure directly"
        }
    }
}
