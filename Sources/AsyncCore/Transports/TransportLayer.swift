import Glibc

/// A layer between a dispatcher and its socket that owns the byte path, as
/// TLS does: what the dispatcher sends goes through the layer to the socket,
/// and what it receives comes through the layer from the socket.
///
/// The loop keeps the socket and its readiness; the layer only says what it
/// needs of it (``neededInterest``), moves its own bytes when the socket is
/// ready (``handleReadiness(_:)``), and tells of input it holds that the
/// socket's readiness will not announce (``hasBufferedInput``). A dispatcher
/// takes a layer with ``Dispatcher/upgrade(to:)``, at once or in the middle
/// of a connection (STARTTLS):
///
/// ```swift
/// final class Reversing: TransportLayer {   // a layer that reverses each write, for tests
///     override func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
///         let reversed = Array(bytes.reversed())
///         return try reversed.withUnsafeBytes { try socket.send($0) }
///     }
/// }
/// try dispatcher.upgrade(to: Reversing(socket: dispatcher.socket!))
/// ```
/// The default implementation passes bytes straight through to the socket.
open class TransportLayer {
    /// The socket underneath, which the loop watches. The dispatcher closes it.
    public let socket: Socket

    /// A layer over `socket`.
    public init(socket: Socket) {
        self.socket = socket
    }

    /// Reads the layer's input into `buffer`: the byte count, 0 at the end of
    /// input, nil when there is nothing now.
    /// - Throws: ``SystemError``; one that means the peer is gone
    ///   (``SystemError/isDisconnect``) ends the connection quietly.
    open func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        try socket.receive(into: buffer)
    }

    /// Takes what it can of `bytes`: the count taken, or nil when it takes
    /// nothing now. Bytes taken but not yet on the socket are the layer's to
    /// send: it asks for ``TransportInterest/write`` until they are.
    open func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        try socket.send(bytes)
    }

    /// Takes what it can of several buffers, in order (a gather write): the
    /// count taken, or nil when it takes nothing now. The default writes
    /// them one at a time and stops at the first it does not take whole; a
    /// layer that frames its output (TLS records) overrides it to put them
    /// on the socket with one call.
    open func write(vectors: UnsafeBufferPointer<iovec>) throws(SystemError) -> Int? {
        var total = 0
        for vector in vectors {
            let bytes = UnsafeRawBufferPointer(start: vector.iov_base, count: vector.iov_len)
            guard let written = try write(bytes) else { return total == 0 ? nil : total }
            total += written
            if written < bytes.count { break }
        }
        return total
    }

    /// Ends the output once the bytes taken are sent (TLS: `close_notify`,
    /// then a FIN).
    open func shutdownOutput() throws(SystemError) {
        try socket.shutdown(.write)
    }

    /// Readiness the layer needs now for itself. Asked before every pass.
    open var neededInterest: TransportInterest { [] }

    /// False while the layer is still being set up with the peer (a TLS
    /// handshake): the dispatcher is not called to write until it is, and
    /// reads find nothing yet. Default: true.
    open var isEstablished: Bool { true }

    /// How long the setup (``isEstablished``) may take once the layer is
    /// installed; past it the dispatcher's ``Dispatcher/handleError(_:)``
    /// gets ``TransportError/setupTimedOut(after:)``. Default: nil, no limit.
    open var setupTimeout: Duration? { nil }

    /// Why the layer gave up on the connection, once it has (a failed
    /// handshake, a bad record). A read or write that fails for it throws a
    /// ``SystemError`` (`EPROTO`); the loop hands this error to
    /// ``Dispatcher/handleError(_:)`` in its place. Default: nil.
    open var failure: (any Error)? { nil }

    /// The socket is ready for some of what ``neededInterest`` asked for:
    /// move the layer's own bytes (a handshake, output it holds). Runs before
    /// the dispatcher's own hooks for the same event.
    open func handleReadiness(_ ready: TransportInterest) throws(SystemError) {}

    /// True while the layer holds input that the socket's readiness will not
    /// announce (TLS records already decrypted): the dispatcher is called to
    /// read again without waiting for the socket.
    open var hasBufferedInput: Bool { false }

    /// Releases what the layer holds; the dispatcher closes the socket after.
    /// Called once, when the dispatcher closes; a layer may still put a last
    /// word on the socket (TLS: `close_notify`) without waiting for it.
    open func close() {}

    /// The timer bounding the setup, while it runs.
    var setupTimer: LoopTimer?
    /// A read of the input the layer holds is due on the loop's next pass.
    var bufferedReadPending = false
    /// The layer held input when the dispatcher did not want to read: it
    /// is read once the dispatcher wants to again.
    var owesBufferedRead = false

    /// The dispatcher is closing: no timer of the layer's outlives it.
    func detach() {
        setupTimer?.cancel()
        setupTimer = nil
        close()
    }
}
