/// A dispatcher with buffered output, as asyncore's `dispatcher_with_send`:
/// ``send(_:)-(UnsafeRawBufferPointer)`` queues the bytes and writes what the
/// socket takes; the rest goes out on later write events.
///
/// ```swift
/// final class EchoHandler: DispatcherWithSend {
///     override func handleRead() throws {
///         let bytes = try recv(8192)
///         try send(bytes)          // never blocks, never drops
///     }
/// }
/// ```
/// Unlike asyncore, it writes until the socket would block rather than one
/// 64 KiB chunk per event, and when the peer half-closes it first flushes the
/// queued output, then closes. ``pendingOutputCount`` lets a subclass stop
/// reading from a peer that does not read its replies. Output still queued
/// when the dispatcher closes is discarded (``Dispatcher/handleClose()`` still sees its
/// count): it never goes out on a later connection of the same dispatcher.
open class DispatcherWithSend: Dispatcher {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    @exclusivity(unchecked) private var output: [UInt8] = []
    @exclusivity(unchecked) private var sentPrefix = 0

    /// Bytes queued but not yet written.
    public var pendingOutputCount: Int { output.count - sentPrefix }

    /// Writable while not yet connected (to learn of the connect) or while output is queued.
    open override func writable() -> Bool {
        !connected || pendingOutputCount > 0
    }

    open override func handleWrite() throws {
        try flush()
    }

    /// Queues `bytes` and writes what the socket takes now.
    /// - Returns: `bytes.count`: all of it is accepted.
    @discardableResult
    open override func send(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        guard isOpen else { return 0 }
        if pendingOutputCount == 0, connected {
            let sent = try super.send(bytes)
            if sent < bytes.count, isOpen { output.append(contentsOf: bytes[sent...]) }
            return bytes.count
        }
        output.append(contentsOf: bytes)
        if connected { try flush() }
        return bytes.count
    }

    /// Writes queued output until the socket would block or the queue is empty.
    public func flush() throws(SystemError) {
        while pendingOutputCount > 0, isOpen {
            let start = sentPrefix
            let sent = try output.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try super.send(UnsafeRawBufferPointer(rebasing: raw[start...])) }
            }.get()
            if sent == 0 { break }
            sentPrefix += sent
        }
        if pendingOutputCount == 0 {
            output = []
            sentPrefix = 0
            if inputClosed, isOpen { reportClose() }
        } else if sentPrefix > 65536, sentPrefix * 2 > output.count {
            output.removeFirst(sentPrefix)
            sentPrefix = 0
        }
    }

    override func connectionDidClose() {
        output = []
        sentPrefix = 0
    }

    /// At the peer's end of input, the queued output is flushed before the close.
    open override func handleEndOfInput() throws {
        if pendingOutputCount == 0 { reportClose() }
    }
}
