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
/// it from any task: from a task that prefers the loop's executor (see
/// ``LoopExecutor``; the tasks of ``AsyncListener`` do), each call works
/// on the loop directly, with no hop and no lock, and a call waits only
/// when it must (no frame has arrived, the output is above the high
/// watermark). From elsewhere each call hops to the loop and back.
///
/// Bounds (see ``AsyncConnectionOptions``): a consumer that stops taking
/// frames stops the reading from the socket once ``AsyncConnectionOptions/maxBufferedFrames``
/// are waiting; a peer that stops reading makes writes wait above
/// ``AsyncConnectionOptions/highWatermark``.
///
/// Cancellation: a task cancelled while it waits on the connection gets
/// ``ConnectionError/cancelled``, and the connection closes once what was
/// written is sent. When the last reference to the connection goes away,
/// it closes the same way.
public final class AsyncConnection: Sendable {
    let reference: ChannelReference<ConnectionChannel>
    /// The address of the peer: the one connected to, or the accepted client's.
    public let peerAddress: SocketAddress
    /// The framing and bounds this connection uses.
    public let options: AsyncConnectionOptions

    typealias Continuation<Value> = UnsafeContinuation<Result<Value, ConnectionError>, Never>

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
    ///   refused connect is `connect` with `ECONNREFUSED`), or
    ///   ``ConnectionError/cancelled`` when the task is cancelled first.
    public static func connect(
        to address: SocketAddress, options: AsyncConnectionOptions = AsyncConnectionOptions(), loop: LoopHandle
    ) async throws(ConnectionError) -> AsyncConnection {
        let made: Result<AsyncConnection, ConnectionError> = await withUnsafeContinuation { continuation in
            loop.execute {
                guard let eventLoop = loop.executor.runningLoop else { return continuation.resume(returning: .failure(.closed)) }
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
        try await connection.perform(
            { _ in .mustWait },
            wait: { channel, continuation in channel.waitForConnect(continuation) }
        )
        return connection
    }

    // MARK: Input

    /// The connection's input, frame by frame, as ``AsyncConnectionOptions/terminator``
    /// cuts it (without the terminator). Iterating it again goes on where
    /// the last iteration stopped: a frame is taken once.
    ///
    /// ```swift
    /// for try await line in connection.frames {
    ///     try await connection.write(line + [10])
    /// }
    /// // The peer finished sending: what followed its last terminator is here.
    /// let rest = await connection.unterminatedInput
    /// ```
    /// The sequence ends (nil) once the peer has finished sending and every
    /// frame was taken. It throws ``ConnectionError/frameTooLong(limit:)``
    /// for a frame over the limit (in its place: iterate again to go on
    /// after it), ``ConnectionError/disconnected`` when the connection was
    /// lost (after the frames received before), ``ConnectionError/closed``
    /// once closed on this side, and ``ConnectionError/cancelled``.
    public var frames: AsyncFrames { AsyncFrames(connection: self) }

    /// The next frame; see ``frames``.
    @inlinable
    public func nextFrame() async throws(ConnectionError) -> ArraySlice<UInt8>? {
        // Inlined into the caller: a frame already there costs no async call
        // (each one asks the runtime, under a lock, for the task's executor).
        if let ready = frameAtOnce() { return try ready.get() }
        return try await nextFrameWaiting()
    }

    /// The next frame when it is there and the caller is on the loop's thread.
    @usableFromInline
    func frameAtOnce() -> Result<ArraySlice<UInt8>?, ConnectionError>? {
        guard reference.executor.isCurrentThread else { return nil }
        if Task.isCancelled {
            reference.channel.cancel()
            return .failure(.cancelled)
        }
        if case .ready(let result) = reference.channel.nextFrame() { return result }
        return nil
    }

    @usableFromInline
    func nextFrameWaiting() async throws(ConnectionError) -> ArraySlice<UInt8>? {
        if reference.executor.isCurrentThread {
            return try await suspendOnLoop { reference.channel.waitForFrame($0) }
        }
        return try await perform({ $0.nextFrame() }, wait: { channel, continuation in channel.waitForFrame(continuation) })
    }

    /// What the peer sent after its last terminator before it finished
    /// sending (an unterminated last line, say); empty while the input goes
    /// on, and when that rest was part of a frame over the limit.
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
    /// - Throws: ``ConnectionError/closed``, ``ConnectionError/outputShutDown``,
    ///   ``ConnectionError/disconnected`` (the bytes will never be sent) or
    ///   ``ConnectionError/cancelled`` (they were queued).
    @inlinable
    public func write(_ bytes: [UInt8]) async throws(ConnectionError) {
        try await write(bytes[...])
    }

    /// Writes a string's UTF-8 bytes; see ``write(_:)-([UInt8])``.
    public func write(_ text: String) async throws(ConnectionError) {
        try await write(Array(text.utf8)[...])
    }

    /// Writes `bytes`; see ``write(_:)-([UInt8])``.
    @inlinable
    public func write(_ bytes: ArraySlice<UInt8>) async throws(ConnectionError) {
        // Inlined into the caller, as nextFrame(): no async call unless it waits.
        switch writeAtOnce(bytes) {
        case .done(let result): return try result.get()
        case .queuedAboveHighWatermark: try await waitUntilWritable()
        case .notOnLoop: try await writeFromElsewhere(bytes)
        }
    }

    /// How a write went without waiting.
    @usableFromInline
    enum ImmediateWrite {
        case done(Result<Void, ConnectionError>)
        /// Queued; the output is above the high watermark.
        case queuedAboveHighWatermark
        /// The caller is not on the loop's thread.
        case notOnLoop
    }

    @usableFromInline
    func writeAtOnce(_ bytes: ArraySlice<UInt8>) -> ImmediateWrite {
        guard reference.executor.isCurrentThread else { return .notOnLoop }
        switch bytes.withUnsafeBytes({ reference.channel.write($0) }) {
        case .ready(let result): return .done(result)
        case .mustWait: return .queuedAboveHighWatermark
        }
    }

    @usableFromInline
    func waitUntilWritable() async throws(ConnectionError) {
        try await suspendOnLoop { reference.channel.waitUntilWritable($0) }
    }

    @usableFromInline
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
    public func shutdownOutput() async throws(ConnectionError) {
        try await perform({ $0.shutdownOutputWhenDone() }, wait: { channel, continuation in channel.waitForShutdown(continuation) })
    }

    /// Closes the connection once everything written before is sent, and
    /// returns then. Reading stops at once. Closing a closed connection
    /// returns at once.
    /// - Throws: ``ConnectionError/disconnected`` when the connection was
    ///   lost before everything was sent.
    public func close() async throws(ConnectionError) {
        try await perform({ $0.closeWhenDone() }, wait: { channel, continuation in channel.waitForClose(continuation) })
    }

    // MARK: Running on the loop

    /// Waits on the loop's thread, where the task runs: `register` hands the
    /// continuation to the channel, which resumes it.
    private func suspendOnLoop<Value: Sendable>(_ register: (Continuation<Value>) -> Void) async throws(ConnectionError) -> Value {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: Continuation<Value>) in register(continuation) }
        } onCancel: {
            cancelOnLoop()
        }
        return try result.get()
    }

    private func cancelOnLoop() {
        let reference = self.reference
        // Posted even on the loop's thread: the cancelling code may be in
        // the middle of something the cancel must not interleave with.
        reference.handle.execute { reference.channel.cancel() }
    }

    /// Makes `request` on the loop, and when it must wait, waits with `wait`.
    private func perform<Value: Sendable>(
        _ request: @escaping @Sendable (ConnectionChannel) -> ConnectionChannel.Outcome<Value>,
        wait: @escaping @Sendable (ConnectionChannel, Continuation<Value>) -> Void
    ) async throws(ConnectionError) -> Value {
        let reference = self.reference
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: Continuation<Value>) in
                reference.onLoop { channel in
                    switch request(channel) {
                    case .ready(let result): continuation.resume(returning: result)
                    case .mustWait: wait(channel, continuation)
                    }
                }
            }
        } onCancel: {
            cancelOnLoop()
        }
        return try result.get()
    }
}
