/// A closure that lives on an event loop and may be called from any thread:
/// each call runs it on the loop's thread, during the loop's next pass, with
/// the value given.
///
/// It is how work done elsewhere (a thread pool, a `Task`) answers back to
/// loop-confined objects without locks or `@unchecked Sendable` in your code:
/// make the callback on the loop's thread, hand it over, call it when done.
///
/// ```swift
/// final class Lookup: Dispatcher {
///     func start(name: String) {
///         let finished = LoopCallback<[String]>(loop: loop) { [weak self] addresses in
///             self?.show(addresses)                       // on the loop's thread
///         }
///         Task.detached { finished(try await resolver.addresses(of: name)) }
///     }
/// }
/// ```
/// Calls made after the loop is gone never run. The closure is released on
/// whatever thread releases the callback last, so capture loop-confined
/// objects `weak` (as above), never strongly.
public final class LoopCallback<Value: Sendable>: Sendable {
    private let handle: LoopHandle
    private let body: LoopBody<Value>

    /// A callback that runs `body` on `loop`'s thread. Make it on that thread.
    public init(loop: EventLoop, _ body: @escaping (Value) -> Void) {
        handle = loop.handle
        self.body = LoopBody(run: body)
    }

    /// The loop the closure runs on, as a task executor: work whose result
    /// will call back can run there too (`Task(executorPreference:)`), needing
    /// no other thread.
    public var executor: LoopExecutor { handle.executor }

    /// Runs the closure with `value` on the loop's thread during its next
    /// pass; returns at once. Calls run in the order they were made.
    public func callAsFunction(_ value: Value) {
        let body = self.body
        handle.execute { body.run(value) }
    }
}

/// The closure of a ``LoopCallback``: made on the loop's thread and only ever
/// run there, through the loop handle's job queue, which is what makes
/// carrying it across threads sound.
private struct LoopBody<Value>: @unchecked Sendable {
    let run: (Value) -> Void
}
