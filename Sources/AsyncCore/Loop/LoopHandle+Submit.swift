import Dispatch

extension LoopHandle {
    /// Runs `body` on the loop's thread during its next pass, with the
    /// loop, and returns what it returned, suspending the calling task
    /// (not its thread) meanwhile.
    ///
    /// ```swift
    /// let address = try await server.handle.submit { loop in
    ///     try loop.dispatchers.first { $0 is ChatServer }?.localAddress
    /// }
    /// ```
    /// Closures posted through ``execute(_:)`` and `submit` run in the order
    /// posted. Cancelling the task does not cancel the closure: once posted,
    /// it runs.
    /// - Throws: what `body` threw, as it was thrown (catch it by its own
    ///   type); ``LoopHandleError/loopStopped(_:)`` when the loop stopped
    ///   before it ran `body`.
    public func submit<Value>(_ body: sending @escaping (EventLoop) throws -> sending Value) async throws -> sending Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, any Error>, Never>) in
            let loopName = description
            post(.runOrAbandon { loop in
                let result: Result<Value, any Error>
                if let loop {
                    do { result = .success(try body(loop)) } catch { result = .failure(error) }
                } else {
                    result = .failure(LoopHandleError.loopStopped(loopName))
                }
                ThreadSanitizer.beforeResuming()
                continuation.resume(returning: result)
            })
        }
        ThreadSanitizer.afterResumed()
        return try result.get()
    }

    /// Runs `body` on the loop's thread during its next pass, with the
    /// loop, and returns what it returned, blocking the calling thread
    /// meanwhile: the form for threads that are not running async code. In
    /// async code use ``submit(_:)``, which suspends instead.
    ///
    /// ```swift
    /// let server = try EventLoopThread { loop in _ = try EchoServer(address: .ipv4(port: 7007), loop: loop) }
    /// let connections = try server.handle.submitAndWait { loop in loop.dispatchers.count - 1 }
    /// ```
    /// - Throws: what `body` threw, as it was thrown;
    ///   ``LoopHandleError/loopStopped(_:)`` when the loop stopped before it
    ///   ran `body`; ``LoopHandleError/waitOnLoopThread(_:)`` when called on
    ///   the loop's own thread, which would wait for itself forever.
    public func submitAndWait<Value>(_ body: sending @escaping (EventLoop) throws -> sending Value) throws -> sending Value {
        guard !isOnLoopThread else { throw LoopHandleError.waitOnLoopThread(description) }
        let rendezvous = Rendezvous<Value>()
        let loopName = description
        post(.runOrAbandon { loop in
            guard let loop else { return rendezvous.finish(.failure(LoopHandleError.loopStopped(loopName))) }
            do {
                rendezvous.finish(.success(try body(loop)))
            } catch {
                rendezvous.finish(.failure(error))
            }
        })
        return try rendezvous.wait()
    }
}

/// Where a blocked thread waits for the one result the loop thread hands
/// it. Sendable without a lock because the result is written once, before
/// the semaphore is signalled, and read once, after the wait returns: the
/// semaphore orders the two accesses. (A `Mutex` cannot take a `sending`
/// value whose type is not `Sendable`.)
private final class Rendezvous<Value>: @unchecked Sendable {
    private var outcome: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    func finish(_ result: sending Result<Value, any Error>) {
        outcome = result
        done.signal()
    }

    func wait() throws -> sending Value {
        done.wait()
        switch outcome.take() {
        case .success(let value)?: return value
        case .failure(let error)?: throw error
        case nil: preconditionFailure("a submitted closure signalled without a result")
        }
    }
}
