import AsyncCore

/// A listening socket for async code: accepted clients as an async
/// sequence of ``AsyncConnection``s.
///
/// ``serve(_:)`` runs a handler for each client in a task of its own, all on
/// the loop's thread:
/// ```swift
/// let thread = try EventLoopThread { _ in }
/// let listener = try await AsyncListener.bind(
///     to: .ipv4("127.0.0.1", port: 0), options: AsyncConnectionOptions(terminator: .lf), loop: thread.handle)
/// print("listening on \(listener.localAddress)")
/// try await listener.serve { connection in
///     do {
///         for try await line in connection.frames { try await connection.write(line + [10]) }
///         try await connection.close()
///     } catch {
///         print("\(connection.peerAddress): \(error)")
///     }
/// }
/// ```
/// That is a discarding task group over ``connections``, each task
/// preferring the loop's executor: a child task's error stays in the child,
/// and one client's failure never ends the others, as it would in a
/// throwing task group. Connections are accepted only while the consumer
/// keeps up (at most 64 wait for it); descriptors running out pauses
/// accepting, as `Dispatcher.accept()` describes, and never ends the
/// sequence.
public final class AsyncListener: Sendable {
    let reference: ChannelReference<ListenerChannel>
    /// The bound address, with the port the system chose for port 0.
    public let localAddress: SocketAddress

    /// Binds to `address` (with `SO_REUSEADDR` for IP addresses) and
    /// listens; call it on the loop's thread. Accepted connections use `options`.
    /// - Throws: `SystemError` when the socket cannot be made, bound or
    ///   listened on; nothing is left registered with the loop then.
    public init(
        address: SocketAddress, options: AsyncConnectionOptions = AsyncConnectionOptions(), loop: EventLoop
    ) throws(SystemError) {
        let channel = ListenerChannel(options: options, loop: loop)
        do {
            try channel.createSocket(family: address.family)
            if address.family != .unix { try channel.setReuseAddress() }
            try channel.bind(to: address)
            try channel.listen()
            localAddress = try channel.localAddress
        } catch {
            channel.close()
            throw error
        }
        reference = ChannelReference(channel)
    }

    /// Binds and listens on the loop of `loop`, from any thread or task; see
    /// ``init(address:options:loop:)``.
    ///
    /// ```swift
    /// let listener = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), loop: thread.handle)
    /// ```
    /// - Throws: `SystemError` as ``init(address:options:loop:)`` does; `EBADF`
    ///   for `listen` when the loop is gone.
    nonisolated(nonsending)
    public static func bind(
        to address: SocketAddress, options: AsyncConnectionOptions = AsyncConnectionOptions(), loop: LoopHandle
    ) async throws(SystemError) -> AsyncListener {
        let loopGone = SystemError(.listen, errno: .badFileDescriptor)
        let made = await TaskResumer<Result<AsyncListener, SystemError>>.wait { continuation in
            loop.executeOrAbandon { eventLoop in
                guard let eventLoop else { return continuation.resume(returning: .failure(loopGone)) }
                continuation.resume(returning: Result { () throws(SystemError) in
                    try AsyncListener(address: address, options: options, loop: eventLoop)
                })
            }
        }
        return try made.get()
    }

    deinit {
        reference.onLoop { channel in channel.closeOnRequest() }
    }

    /// The accepted connections, in order. The sequence ends (nil) once
    /// ``close()`` was called; it throws ``ConnectionError/cancelled`` to
    /// a task cancelled while it waits (the listener then closes), and
    /// ``ConnectionError/closedByLoop`` once the loop has closed it.
    public var connections: AsyncConnections { AsyncConnections(listener: self) }

    /// The next accepted connection; see ``connections``.
    ///
    /// ```swift
    /// while let connection = try await listener.nextConnection() {
    ///     print("accepted \(connection.peerAddress)")
    /// }
    /// ```
    nonisolated(nonsending)
    public func nextConnection() async throws(ConnectionError) -> AsyncConnection? {
        let reference = self.reference
        if reference.executor.isCurrentThread, let result = reference.channel.nextConnection() {
            return try result.get()
        }
        let result = await withTaskCancellationHandler {
            await TaskResumer.wait { (continuation: ListenerChannel.Waiter) in
                reference.onLoop({ channel in
                    channel.waitForConnection(continuation)
                }, ifLoopEnded: {
                    continuation.resume(returning: .failure(.closedByLoop))
                })
            }
        } onCancel: {
            reference.later { $0.cancel() }
        }
        return try result.get()
    }

    /// Serves every client this listener accepts: `handler` runs for each
    /// connection in a child task of a discarding task group, and every
    /// task prefers the loop's executor, so the handlers run on the loop's
    /// thread and each call they make on a connection works on the loop
    /// directly. Returns once the listener is closed and the handlers
    /// still running have returned.
    ///
    /// ```swift
    /// try await listener.serve { connection in
    ///     do {
    ///         for try await line in connection.frames {
    ///             try await connection.write(line)
    ///             try await connection.write("\n")
    ///         }
    ///         try await connection.close()
    ///     } catch {
    ///         print("\(connection.peerAddress): \(error)")
    ///     }
    /// }
    /// ```
    /// This is the loop over ``connections`` that the type's overview
    /// shows, written once: a handler's failure stays in its task, and
    /// cancelling the task that serves cancels the handlers and closes the
    /// listener.
    /// - Throws: what ``connections`` throws: ``ConnectionError/cancelled``,
    ///   ``ConnectionError/closedByLoop``.
    public func serve(_ handler: @escaping @Sendable (AsyncConnection) async -> Void) async throws(ConnectionError) {
        let ended: ConnectionError? = await withTaskExecutorPreference(reference.executor) {
            await withDiscardingTaskGroup { group in
                do throws(ConnectionError) {
                    while let connection = try await nextConnection() {
                        group.addTask { await connection.serve(handler) }
                    }
                    return nil
                } catch {
                    return error
                }
            }
        }
        if let ended { throw ended }
    }

    /// Stops listening: connections accepted and not yet taken are closed,
    /// and ``connections`` ends. Connections taken before stay open.
    ///
    /// ```swift
    /// await listener.close()
    /// ```
    nonisolated(nonsending)
    public func close() async {
        let reference = self.reference
        await TaskResumer<Void>.wait { continuation in
            reference.onLoop({ channel in
                channel.closeOnRequest()
                continuation.resume()
            }, ifLoopEnded: {
                continuation.resume()
            })
        }
    }
}
