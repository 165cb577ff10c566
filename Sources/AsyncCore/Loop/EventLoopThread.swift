import Dispatch
import Synchronization

/// An event loop running on a thread of its own: the way to embed a server
/// in a program that does other things, in threads or in async code.
///
/// ```swift
/// let (server, address) = try EventLoopThread.start { loop in
///     let echo = try EchoServer(address: .ipv4(port: 0), loop: loop)   // built on the loop's thread
///     return try echo.localAddress                                     // handed back to the starter
/// }
/// print("echoing on \(address)")
/// let count = try server.handle.submitAndWait { loop in loop.dispatchers.count }
/// server.stop()                                                        // returns once the thread has ended
/// ```
/// In async code, `try await EventLoopThread.start { loop in ... }` waits for
/// the setup without holding a thread of the cooperative pool.
///
/// The loop and its dispatchers never leave that thread: the setup closure
/// builds them there and returns a `Sendable` value (an address, a
/// ``LoopBound`` reference to a server). Other threads reach the loop
/// through ``handle``. Stopping (or releasing the last reference) stops the
/// loop after its current pass, closes its dispatchers and joins the thread.
public final class EventLoopThread: Sendable {
    /// The running loop's handle.
    public let handle: LoopHandle
    private let thread: SystemThread
    private let joined = SanitizerVisibleMutex<Bool>(false)

    private init(handle: LoopHandle, thread: SystemThread) {
        self.handle = handle
        self.thread = thread
    }

    /// Starts a thread named `name`, makes a loop on it, runs `setup` there,
    /// and returns once `setup` has finished; the loop then runs until ``stop()``.
    ///
    /// ```swift
    /// let server = try EventLoopThread { loop in
    ///     _ = try EchoServer(address: .ipv4("127.0.0.1", port: 7007), loop: loop)
    /// }
    /// ```
    /// - Throws: what `setup` threw, as it was thrown, or a `SystemError`
    ///   when the thread or the loop cannot be made; no thread is left running then.
    public convenience init(
        name: String = "event-loop", backend: PollerBackend = .epoll,
        setup: @escaping @Sendable (EventLoop) throws -> Void
    ) throws {
        let (handle, thread, _) = try EventLoopThread.launchAndWait(name: name, backend: backend, setup)
        self.init(handle: handle, thread: thread)
    }

    /// Starts a thread named `name` (as `top` and `/proc` show it; Linux
    /// keeps 15 bytes), makes a loop on it, runs `setup` there, and returns
    /// the running thread with what `setup` returned.
    ///
    /// ```swift
    /// let (server, address) = try EventLoopThread.start(name: "smtp") { loop in
    ///     let smtp = try SMTPServer(handler: DebugPrintHandler(), loop: loop)
    ///     try smtp.listen(on: .ipv4(port: 0))
    ///     return try smtp.localAddress
    /// }
    /// ```
    /// - Throws: what `setup` threw, as it was thrown, or a `SystemError`
    ///   when the thread or the loop cannot be made; no thread is left running then.
    public static func start<Value: Sendable>(
        name: String = "event-loop", backend: PollerBackend = .epoll,
        _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) throws -> (thread: EventLoopThread, value: Value) {
        let (handle, thread, value) = try launchAndWait(name: name, backend: backend, setup)
        return (EventLoopThread(handle: handle, thread: thread), value)
    }

    /// Starts a thread as the blocking `start` does, suspending the calling
    /// task (not its thread) until `setup` has finished.
    ///
    /// ```swift
    /// let (server, address) = try await EventLoopThread.start { loop in
    ///     try EchoServer(address: .ipv4(port: 0), loop: loop).localAddress
    /// }
    /// ```
    /// - Throws: what `setup` threw, as it was thrown, or a `SystemError`
    ///   when the thread or the loop cannot be made; no thread is left running then.
    public static func start<Value: Sendable>(
        name: String = "event-loop", backend: PollerBackend = .epoll,
        _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) async throws -> (thread: EventLoopThread, value: Value) {
        let launched = SanitizerVisibleMutex<SystemThread?>(nil)
        // The continuation's body has returned, and `launched` is set, before
        // the task resumes, however soon the new thread reports.
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Value>, Never>) in
            do {
                let thread = try launch(name: name, backend: backend, setup) { outcome in
                    ThreadSanitizer.beforeResuming()
                    continuation.resume(returning: outcome)
                }
                launched.withLock { $0 = thread }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        ThreadSanitizer.afterResumed()
        guard let thread = launched.withLock({ $0 }) else {
            // No thread: the outcome is the error that launching it threw.
            if case .failure(let error) = outcome { throw error }
            preconditionFailure("an event loop thread reported a setup without being launched")
        }
        let (handle, value) = try settled(outcome, thread)
        return (EventLoopThread(handle: handle, thread: thread), value)
    }

    private typealias Outcome<Value> = Result<(LoopHandle, Value), any Error>

    private static func launchAndWait<Value: Sendable>(
        name: String, backend: PollerBackend, _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) throws -> (LoopHandle, SystemThread, Value) {
        let reported = SanitizerVisibleMutex<Outcome<Value>?>(nil)
        let started = DispatchSemaphore(value: 0)
        let thread = try launch(name: name, backend: backend, setup) { outcome in
            reported.withLock { $0 = outcome }
            started.signal()
        }
        started.wait()
        let (handle, value) = try settled(reported.withLock { $0 }, thread)
        return (handle, thread, value)
    }

    /// The handle and value of a setup that succeeded; after a failure, the
    /// thread is joined and the error thrown. The join waits only for the
    /// thread to return, which it does right after reporting, so even an
    /// async starter blocks for no longer than that.
    private static func settled<Value>(_ outcome: Outcome<Value>?, _ thread: SystemThread) throws -> (LoopHandle, Value) {
        switch outcome {
        case .success(let started)?:
            return started
        case .failure(let error)?:
            thread.join()
            throw error
        case nil:
            preconditionFailure("an event loop thread signalled without reporting its setup")
        }
    }

    /// Starts the thread: it makes the loop, runs `setup`, calls `report`
    /// with the outcome, then runs the loop until stopped.
    private static func launch<Value: Sendable>(
        name: String, backend: PollerBackend,
        _ setup: @escaping @Sendable (EventLoop) throws -> Value,
        report: @escaping @Sendable (Result<(LoopHandle, Value), any Error>) -> Void
    ) throws(SystemError) -> SystemThread {
        try SystemThread.start {
            ThreadIdentity.nameCurrent(name)
            let loop: EventLoop
            do {
                loop = try EventLoop(backend: backend)
                let value = try setup(loop)
                report(.success((loop.handle, value)))
            } catch {
                report(.failure(error))
                return
            }
            do {
                try loop.runUntilStopped()
            } catch {
                loop.log("error: event loop thread stopped: \(error)")
            }
            loop.closeAll()
            loop.handle.retire()
        }
    }

    /// Stops the loop after its current pass, closes its dispatchers and
    /// waits for the thread to end. Safe to call more than once and from
    /// any thread; on the loop's own thread it only asks the loop to stop
    /// (the thread cannot wait for itself) and the thread ends soon after.
    public func stop() {
        handle.stop()
        guard !handle.isOnLoopThread else { return }
        joined.withLock { done in
            guard !done else { return }
            thread.join()
            done = true
        }
    }

    deinit {
        handle.stop()
        if handle.isOnLoopThread {
            thread.detach()
        } else {
            stop()
        }
    }
}
