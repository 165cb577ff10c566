import AsyncCore

/// A TCP or Unix-domain connection for async code: its input as frames
/// (`for try await line in connection.frames`), writes that wait while the
/// peer is slow to read, a half-close, and a close that sends everything
/// written first.
///
/// ```swift
/// let connection = try await AsyncConnection.connect(
///     to: .ipv4("127.0.0.1", port: 7007), options: AsyncConnectionOptions(terminator: .lf), loop: thread.handle)
/// try await connection.write("hello\n")
/// for try await line in connection.frames {
///     print(String(decoding: line, as: UTF8.self))   // "hello"
///     break
/// }
/// try await connection.close()                       // after "hello\n" was sent
/// ```
/// The connection belongs to a loop; its input and output run there. Use
/// it from any task. From code running on the loop's thread (a task that
/// prefers the loop's executor, as ``AsyncListener`` shows, or an actor on
/// it; see `LoopExecutor`), each call works on the loop directly, with
/// no hop and no lock, and waits only when it must (no frame has arrived,
/// the output is above the high watermark); the methods run on the
/// caller's executor (`nonisolated(nonsending)`), so calling one never
/// leaves the loop. From elsewhere each call hops to the loop and back.
///
/// Bounds (see ``AsyncConnectionOptions``): a consumer that stops taking
/// frames stops the reading from the socket once ``AsyncConnectionOptions/maxBufferedFrames``
/// are waiting; a peer that stops reading makes writes wait above
/// ``AsyncConnectionOptions/highWatermark``.
///
/// Cancellation: a task cancelled while it waits on the connection gets
/// ``ConnectionError/cancelled``, and the connection closes once what was
/// written is sent (at once when the task was waiting in ``close()``). A
/// cancelled task that keeps finding frames already there gets the same
/// at the first frame of the next read from the socket. When the
/// last reference to the connection goes away, it closes once what was
/// written is sent.
///
/// When the loop goes away first, every waiting call, and every later one,
/// throws ``ConnectionError/closedByLoop``.
public final class AsyncConnection: Sendable {
    let reference: ChannelReference<ConnectionChannel>
    /// The address of the peer: the one connected to, or the accepted client's.
    public let peerAddress: SocketAddress
    /// The framing and bounds this connection uses.
    public let options: AsyncConnectionOptions

    typealias Continuation<Value> = TaskResumer<Result<Value, ConnectionError>>

    /// Adopts a connected socket; call it on the loop's thread (a listener
    /// hook, or a job of the loop's executor).
    /// - Throws: `SystemError` if the socket cannot be made non-blocking.
    public convenience init(socket: Socket, peerAddress: SocketAddress, options: AsyncConnectionOptions = AsyncConnectionOptions(), loop: EventLoop) throws(SystemError) {
        let channel = try ConnectionChannel(socket: socket, options: options, loop: loop)
        self.init(channel: channel, peerAddress: peerAddress)
    }

    init(channel: ConnectionChannel, peerAddress: SocketAddress) {
        reference = ChannelReference(channel)
        self.peerAddress = peerAddress
        options = channel.options
    }

    deinit {
        reference.onLoop { channel in _ = channel.closeWhenDone() }
    }

    /// The dispatcher that carries the connection on its loop.
    package var dispatcher: Dispatcher { reference.channel }

    /// Connects to `address` on the loop of `loop`, from any thread or task.
    ///
    /// ```swift
    /// let connection = try await AsyncConnection.connect(to: .ipv4("127.0.0.1", port: 8025), loop: handle)
    /// ```
    /// - Throws: ``ConnectionError/system(_:)`` with the failed call (a
    ///   refused connect is `connect` with `ECONNREFUSED`),
    ///   ``ConnectionError/cancelled`` when the task is cancelled first, or
    ///   ``ConnectionError/closedByLoop`` when the loop is gone.
    nonisolated(nonsending)
    public static func connect(
        to address: SocketAddress, options: AsyncConnectionOptions = AsyncConnectionOptions(), loop: LoopHandle
    ) async throws(ConnectionError) -> AsyncConnection {
        let made = await TaskResumer<Result<AsyncConnection, ConnectionError>>.wait { continuation in
            loop.executeOrAbandon { eventLoop in
                guard let eventLoop else { return continuation.resume(returning: .failure(.closedByLoop)) }
                let channel = ConnectionChannel(options: options, loop: eventLoop)
                do throws(SystemError) {
                    try channel.connect(to: address)
                } catch {
                    channel.close()
                    return continuation.resume(returning: .failure(.system(error)))
                }
                continuation.resume(returning: .success(AsyncConnection(channel: channel, peerAddress: address)))
            }
        }
        let connection = try made.get()
        try await connection.perform({ _ in .mustWait }, wait: { channel, continuation in channel.waitForConnect(continuation) })
        return connection
    }

    // MARK: Input

    /// The connection's input, frame by frame, as ``AsyncConnectionOptions/terminator``
    /// cuts it (without the terminator). Iterating it again goes on where
    /// the last iteration stopped: a frame is taken once.
    ///
    /// ```swift
    /// for try await line in connection.frames {
    ///     try await connection.write(line)
    ///     try await connection.write("\n")
    /// }
    /// // The peer finished sending: what followed its last terminator is here.
    /// let rest = await connection.unterminatedInput
    /// ```
    /// The sequence ends (nil) once the peer has finished sending and every
    /// frame was taken. It throws ``ConnectionError/frameTooLong(limit:)``
    /// for a frame over the limit (in its place: iterate again to go on
    /// after it), ``ConnectionError/disconnected`` when the connection was
    /// lost (after the frames received before), ``ConnectionError/closed``
    /// once closed on this side, ``ConnectionError/closedByLoop`` and
    /// ``ConnectionError/cancelled``.
    public var frames: AsyncFrames { AsyncFrames(connection: self) }

    /// The next frame; see ``frames``.
    ///
    /// ```swift
    /// while let line = try await connection.nextFrame() {
    ///     print(String(decoding: line, as: UTF8.self))
    /// }
    /// ```
    @inlinable
    nonisolated(nonsending)
    public func nextFrame() async throws(ConnectionError) -> ArraySlice<UInt8>? {
        // Inlined into the caller: a frame already there costs no async
        // call, and no executor switch after it.
        if let ready = frameAtOnce() { return try ready.get() }
        return try await nextFrameWaiting()
    }

    /// The next frame when it is there and the caller is on the loop's thread.
    @usableFromInline
    func frameAtOnce() -> Result<ArraySlice<UInt8>?, ConnectionError>? {
        guard reference.executor.isCurrentThread else { return nil }
        let channel = reference.channel
        // Once per read from the socket, not per frame: asking the runtime
        // costs more than the rest of taking a frame.
        if channel.checksCancellation {
            channel.checksCancellation = false
            if Task.isCancelled {
                channel.cancel()
                return .failure(.cancelled)
            }
        }
        if case .ready(let result) = channel.nextFrame() { return result }
        return nil
    }

    @usableFromInline
    nonisolated(nonsending)
    func nextFrameWaiting() async throws(ConnectionError) -> ArraySlice<UInt8>? {
        if let channel = channelCoveringCancellation() {
            return try await TaskResumer.wait { channel.waitForFrame($0) }.get()
        }
        return try await perform({ $0.nextFrame() }, wait: { channel, continuation in channel.waitForFrame(continuation) })
    }

    /// What the peer sent after its last terminator before it finished
    /// sending (an unterminated last line, say); empty while the input goes
    /// on, and when that rest was part of a frame over the limit.
    ///
    /// ```swift
    /// for try await line in connection.frames { try await connection.write(line + [10]) }
    /// let rest = await connection.unterminatedInput      // "QUIT" when the peer's last line had no line end
    /// ```
    nonisolated(nonsending)
    public var unterminatedInput: [UInt8] {
        get async {
            let result = try? await perform({ .ready(.success($0.unterminatedInput)) }, wait: { _, _ in })
            return result ?? []
        }
    }

    // MARK: Output

    /// Writes `bytes` behind everything written before, and returns once
    /// they are queued and the output is at or below the high watermark.
    /// Bytes written while a task runs on the loop leave together, in one
    /// send, when it next waits.
    ///
    /// ```swift
    /// try await connection.write([0x50, 0x49, 0x4E, 0x47, 0x0A])    // "PING\n"
    /// ```
    /// - Throws: ``ConnectionError/closed``, ``ConnectionError/outputShutDown``,
    ///   ``ConnectionError/disconnected`` or ``ConnectionError/closedByLoop``
    ///   (the bytes will never be sent), or ``ConnectionError/cancelled``
    ///   (they were queued).
    @inlinable
    nonisolated(nonsending)
    public func write(_ bytes: [UInt8]) async throws(ConnectionError) {
        try await write(bytes[...])
    }

    /// Writes a string's UTF-8 bytes; see ``write(_:)-([UInt8])``.
    ///
    /// ```swift
    /// try await connection.write("HELO client.example\r\n")
    /// ```
    nonisolated(nonsending)
    public func write(_ text: String) async throws(ConnectionError) {
        try await write(Array(text.utf8)[...])
    }

    /// Writes `bytes`; see ``write(_:)-([UInt8])``.
    ///
    /// ```swift
    /// for try await line in connection.frames { try await connection.write(line) }
    /// ```
    @inlinable
    nonisolated(nonsending)
    public func write(_ bytes: ArraySlice<UInt8>) async throws(ConnectionError) {
        // Inlined into the caller, as nextFrame(): no async call unless it waits.
        switch writeAtOnce(bytes) {
        case .written: return
        case .failed(let error): throw error
        case .queuedAboveHighWatermark: try await waitUntilWritable()
        case .notOnLoop: try await writeFromElsewhere(bytes)
        }
    }

    /// How a write went without waiting.
    @usableFromInline
    enum ImmediateWrite {
        case written
        case failed(ConnectionError)
        /// Queued; the output is above the high watermark.
        case queuedAboveHighWatermark
        /// The caller is not on the loop's thread.
        case notOnLoop
    }

    @usableFromInline
    func writeAtOnce(_ bytes: ArraySlice<UInt8>) -> ImmediateWrite {
        guard reference.executor.isCurrentThread else { return .notOnLoop }
        switch bytes.withUnsafeBytes({ reference.channel.write($0) }) {
        case .ready(.success): return .written
        case .ready(.failure(let error)): return .failed(error)
        case .mustWait: return .queuedAboveHighWatermark
        }
    }

    @usableFromInline
    nonisolated(nonsending)
    func waitUntilWritable() async throws(ConnectionError) {
        if let channel = channelCoveringCancellation() {
            return try await TaskResumer.wait { channel.waitUntilWritable($0) }.get()
        }
        try await perform({ _ in .mustWait }, wait: { channel, continuation in channel.waitUntilWritable(continuation) })
    }

    @usableFromInline
    nonisolated(nonsending)
    func writeFromElsewhere(_ bytes: ArraySlice<UInt8>) async throws(ConnectionError) {
        try await perform(
            { channel in bytes.withUnsafeBytes { channel.write($0) } },
            wait: { channel, continuation in channel.waitUntilWritable(continuation) }
        )
    }

    /// Sends a FIN once everything written before is sent, and returns
    /// then: the peer reads the end of the input, and this side can still
    /// read its replies.
    ///
    /// ```swift
    /// try await connection.write("QUIT\r\n")
    /// try await connection.shutdownOutput()
    /// for try await line in connection.frames { print(line.count) }   // until the server closes
    /// ```
    nonisolated(nonsending)
    public func shutdownOutput() async throws(ConnectionError) {
        try await perform({ $0.shutdownOutputWhenDone() }, wait: { channel, continuation in channel.waitForShutdown(continuation) })
    }

    /// Closes the connection once everything written before is sent, and
    /// returns then. Reading stops at once. Closing a closed connection
    /// returns at once.
    ///
    /// ```swift
    /// try await connection.write("221 bye\r\n")
    /// try await connection.close()            // "221 bye\r\n" was sent
    /// ```
    /// - Throws: ``ConnectionError/disconnected`` when the connection was
    ///   lost before everything was sent, ``ConnectionError/closedByLoop``
    ///   when the loop closed it first, ``ConnectionError/cancelled`` when
    ///   the task was cancelled while it waited (the connection then closed
    ///   at once, dropping what was not sent).
    nonisolated(nonsending)
    public func close() async throws(ConnectionError) {
        try await perform({ $0.closeWhenDone() }, wait: { channel, continuation in channel.waitForClose(continuation) })
    }

    // MARK: Running on the loop

    /// The channel, when the caller runs on its loop in the task whose
    /// cancellation already cancels this connection (see ``serve(_:)``):
    /// such a task waits with no cancellation handler of its own, which
    /// would cost more than the rest of the wait.
    private func channelCoveringCancellation() -> ConnectionChannel? {
        let executor = reference.executor
        guard executor.isCurrentThread, reference.channel.cancellationCoveringTask == executor.runningTaskIdentity else { return nil }
        return reference.channel
    }

    // MARK: Serving

    /// Serves this connection with `handler` in the current task: until
    /// `handler` returns, cancelling the task cancels the connection (its
    /// waits end with ``ConnectionError/cancelled``, and it closes once what
    /// was written is sent), so the handler's own waits on it need no
    /// cancellation handler each. ``AsyncListener/serve(_:)`` serves every
    /// connection this way; this is for connections that come from
    /// elsewhere (a socket handed over by a loop group, say).
    ///
    /// ```swift
    /// Task(executorPreference: loop.executor) {
    ///     await connection.serve { connection in
    ///         do {
    ///             for try await line in connection.frames { try await connection.write(line + [10]) }
    ///             try await connection.close()
    ///         } catch {}
    ///     }
    /// }
    /// ```
    /// Waits made from the task that prefers the connection's loop are the
    /// ones that go without a handler; the task's other calls, and other
    /// tasks, work as they always do.
    public func serve(_ handler: (AsyncConnection) async -> Void) async {
        let reference = self.reference
        let executor = reference.executor
        let task = executor.isCurrentThread ? executor.runningTaskIdentity : 0
        if task != 0 { reference.channel.cancellationCoveringTask = task }
        await withTaskCancellationHandler {
            await handler(self)
        } onCancel: {
            reference.later { $0.cancel() }
        }
        // Cleared while the task still lives: its address is not reused before.
        if task != 0, executor.isCurrentThread, reference.channel.cancellationCoveringTask == task {
            reference.channel.cancellationCoveringTask = 0
        }
    }

    /// Makes `request` on the loop, and when it must wait, waits with
    /// `wait`; on the loop's thread at once, from elsewhere through the
    /// loop's handle.
    @inline(__always)
    nonisolated(nonsending)
    private func perform<Value: Sendable>(
        _ request: @escaping @Sendable (ConnectionChannel) -> ConnectionChannel.Outcome<Value>,
        wait: @escaping @Sendable (ConnectionChannel, Continuation<Value>) -> Void
    ) async throws(ConnectionError) -> Value {
        let reference = self.reference
        let result = await withTaskCancellationHandler {
            await TaskResumer.wait { (continuation: Continuation<Value>) in
                if reference.executor.isCurrentThread {
                    return AsyncConnection.start(request, wait: wait, on: reference.channel, continuation)
                }
                reference.onLoop({ channel in
                    AsyncConnection.start(request, wait: wait, on: channel, continuation)
                }, ifLoopEnded: {
                    continuation.resume(returning: .failure(.closedByLoop))
                })
            }
        } onCancel: {
            // Later, even on the loop's thread: the cancelling code may be in
            // the middle of something the cancel must not interleave with.
            reference.later { $0.cancel() }
        }
        return try result.get()
    }

    private static func start<Value: Sendable>(
        _ request: (ConnectionChannel) -> ConnectionChannel.Outcome<Value>,
        wait: (ConnectionChannel, Continuation<Value>) -> Void,
        on channel: ConnectionChannel,
        _ continuation: Continuation<Value>
    ) {
        switch request(channel) {
        case .ready(let result): continuation.resume(returning: result)
        case .mustWait: wait(channel, continuation)
        }
    }
}
