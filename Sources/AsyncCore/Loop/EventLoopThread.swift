import Dispatch
import Synchronization

/// An event loop running on a thread of its own: the way to embed a server
/// in a program that does other things on its main thread.
///
/// ```swift
/// let server = try EventLoopThread { loop in
///     let listener = EchoServer(loop: loop)       // built on the loop's thread
///     try listener.bind(to: .ipv4(port: 7000))
///     try listener.listen()
/// }
/// // ... the main thread goes on; later:
/// server.handle.execute { print("running on the loop thread") }
/// server.stop()                                   // returns once the thread has ended
/// ```
/// The loop and its dispatchers never leave that thread; the setup closure
/// builds them there, and other threads reach them through ``handle``.
public final class EventLoopThread: Sendable {
    /// The running loop's handle.
    public let handle: LoopHandle
    private let thread: SystemThread
    private let joined = Mutex<Bool>(false)

    /// Starts a thread, makes a loop on it, runs `setup` there, and returns
    /// once `setup` has finished; the loop then runs until ``stop()``.
    /// - Throws: what `setup` or the loop's creation threw; no thread is left running then.
    public init(
        backend: PollerBackend = .epoll,
        setup: @escaping @Sendable (EventLoop) throws -> Void
    ) throws {
        let started = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<LoopHandle, any Error>?>(nil)
        let body: @Sendable () -> Void = {
            let loop: EventLoop
            do {
                loop = try EventLoop(backend: backend)
                try setup(loop)
            } catch {
                outcome.withLock { $0 = .failure(error) }
                started.signal()
                return
            }
            outcome.withLock { $0 = .success(loop.handle) }
            started.signal()
            do {
                try loop.runUntilStopped()
            } catch {
                loop.log("error: event loop thread stopped: \(error)")
            }
            loop.closeAll()
        }
        let thread = try SystemThread.start(body)
        started.wait()
        switch outcome.withLock({ $0 })! {
        case .success(let handle):
            self.handle = handle
            self.thread = thread
        case .failure(let error):
            thread.join()
            throw error
        }
    }

    /// Stops the loop, closes its dispatchers and waits for the thread to end.
    /// Safe to call more than once, from any thread but the loop's own.
    public func stop() {
        handle.stop()
        joined.withLock { done in
            guard !done else { return }
            thread.join()
            done = true
        }
    }

    deinit {
        stop()
    }
}
