import AsyncCore

/// One client of a raw-mode ``EchoServer``: every byte it sends comes back, in order.
///
/// ```swift
/// final class EchoListener: Dispatcher {
///     override func handleAccepted(socket: Socket, address: SocketAddress) throws {
///         _ = try RawEchoHandler(socket: socket, options: EchoOptions(), loop: loop)
///     }
/// }
/// ```
/// Backpressure: the handler reads no more than fits under
/// ``maxPendingOutput``, so `pendingOutputCount` never
/// exceeds it. Once the bound is reached it stops reading (the kernel's
/// buffers then fill and TCP slows the client down) and resumes once half of
/// the backlog has been sent; the gap keeps a slow reader from toggling the
/// registration on every write. When the client half-closes, the pending echo
/// is flushed first, then the connection closes.
public final class RawEchoHandler: DispatcherWithSend {
    /// The most unsent echo this client may hold in memory, in bytes.
    public let maxPendingOutput: Int
    /// True while the handler has stopped reading because the client is not
    /// reading its echo.
    public private(set) var isReadingPaused = false
    /// Hears what happens to this client: reading paused and resumed, the
    /// end of the connection. ``EchoServer`` sets it to report through
    /// ``EchoServer/onEvent`` with the client's address.
    public var onEvent: ((EchoEvent.Kind) -> Void)?

    /// Adopts an accepted socket.
    /// - Throws: `SystemError` if the socket cannot be made non-blocking.
    public init(socket: Socket, options: EchoOptions = EchoOptions(), loop: EventLoop) throws(SystemError) {
        maxPendingOutput = options.maxPendingOutput
        try super.init(socket: socket, loop: loop)
    }

    public override func readable() -> Bool { !isReadingPaused }

    public override func handleRead() throws {
        let room = maxPendingOutput - pendingOutputCount
        guard room > 0 else { return pauseReading() }
        try receive(upTo: room) { bytes in try send(bytes) }
        if pendingOutputCount >= maxPendingOutput { pauseReading() }
    }

    private func pauseReading() {
        guard !isReadingPaused else { return }
        isReadingPaused = true
        onEvent?(.readingPaused(pendingBytes: pendingOutputCount))
    }

    public override func handleWrite() throws {
        try super.handleWrite()
        if isReadingPaused, pendingOutputCount <= maxPendingOutput / 2 {
            isReadingPaused = false
            onEvent?(.readingResumed(pendingBytes: pendingOutputCount))
        }
    }

    public override func handleClose() {
        close()
    }

    /// A failed connection (a TLS handshake, say) is reported, then closed.
    public override func handleError(_ error: any Error) {
        onEvent?(.failed(reason: "\(error)"))
        close()
    }

    public override func close() {
        let wasOpen = isOpen
        super.close()
        if wasOpen { onEvent?(.disconnected) }
    }
}
