import Glibc

/// How a dispatcher moves bytes over its descriptor: the one place that
/// knows whether that is a socket, a file or pipe, or a layer such as TLS.
/// Each owns reading, writing, gather writes, shutdown, the pending error,
/// and never letting `SIGPIPE` kill the process.
enum Transport {
    /// A socket: `recv`, `send` and `sendmsg` with `MSG_NOSIGNAL`, `shutdown`,
    /// and `SO_ERROR` for the pending error.
    case socket
    /// A file or pipe: `read`, `write` and `writev`, with `SIGPIPE` held back
    /// while writing; it cannot half-close.
    case file
    /// A layer over the socket that owns the byte path (TLS).
    case layered(TransportLayer)

    /// Reads into `buffer`: the byte count, 0 at the end of input, nil when
    /// nothing is there now.
    @inline(__always)
    func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        switch self {
        case .socket: return try Socket(descriptor: descriptor).receive(into: buffer)
        case .file: return try FileDescriptor(rawValue: descriptor).readIfReady(into: buffer)
        case .layered(let layer): return try layer.read(into: buffer)
        }
    }

    /// Writes what the descriptor takes now: the byte count, or nil when it takes nothing.
    @inline(__always)
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        switch self {
        case .socket:
            return try Socket(descriptor: descriptor).send(bytes)
        case .file:
            return try SignalMask.withBrokenPipeHeld { () throws(SystemError) -> Int? in
                try FileDescriptor(rawValue: descriptor).writeIfReady(bytes)
            }
        case .layered(let layer):
            return try layer.write(bytes)
        }
    }

    /// Writes several buffers with one call where the descriptor allows it.
    func write(_ descriptor: Int32, vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int? {
        switch self {
        case .socket:
            return try Socket(descriptor: descriptor).send(vectors: vectors)
        case .file:
            return try SignalMask.withBrokenPipeHeld { () throws(SystemError) -> Int? in
                try FileDescriptor(rawValue: descriptor).writeIfReady(vectors: vectors)
            }
        case .layered(let layer):
            return try layer.write(vectors: UnsafeBufferPointer(vectors))
        }
    }

    /// Ends the output: the peer reads end of input. A file or pipe cannot.
    func shutdownOutput(_ descriptor: Int32) throws(SystemError) {
        switch self {
        case .socket: try Socket(descriptor: descriptor).shutdown(.write)
        case .file: return
        case .layered(let layer): try layer.shutdownOutput()
        }
    }

    /// The error the connection failed with, if the descriptor holds one:
    /// a socket's `SO_ERROR`; a file or pipe reports an error event as a
    /// broken pipe. `unreadable` when the error cannot be read.
    func pendingError(_ descriptor: Int32, ifUnreadable unreadable: Errno?) -> Errno? {
        switch self {
        case .file:
            return .brokenPipe
        case .socket, .layered:
            do {
                return try Socket(descriptor: descriptor).pendingError()
            } catch {
                return unreadable
            }
        }
    }

    /// The layer, when there is one.
    var layer: TransportLayer? {
        if case .layered(let layer) = self { return layer }
        return nil
    }
}
