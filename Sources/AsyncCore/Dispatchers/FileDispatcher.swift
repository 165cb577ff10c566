/// A dispatcher over a pipe or any other file descriptor: standard input, a
/// child process's output, a FIFO.
///
/// The descriptor is duplicated, so the caller keeps (and closes) its own;
/// the duplicate shares the open file description, so both turn non-blocking.
/// ```swift
/// final class LineReader: FileDispatcher {
///     override func writable() -> Bool { false }
///     override func handleRead() throws {
///         let bytes = try recv(4096)
///         if !bytes.isEmpty { print("read \(bytes.count) bytes") }
///     }
/// }
/// let stdin = try LineReader(fileDescriptor: .standardInput, loop: loop)
/// ```
/// Reads and writes use `read`/`write`. Writes to a pipe whose reader is gone
/// fail with `EPIPE` and end in ``Dispatcher/handleClose()``; `SIGPIPE` is held
/// back for the duration of the write, so the process never dies of it and no
/// process-wide signal setting changes. Regular files work with both backends
/// (epoll refuses them, so the epoll backend reports them always ready, as
/// `poll` does).
open class FileDispatcher: Dispatcher {
    /// Duplicates `fileDescriptor`, makes it non-blocking and registers the copy.
    /// - Throws: ``SystemError`` when the descriptor cannot be duplicated.
    public init(fileDescriptor: FileDescriptor, loop: EventLoop) throws(SystemError) {
        super.init(loop: loop)
        let copy = try fileDescriptor.duplicate()
        do {
            try copy.setNonBlocking()
        } catch {
            try? copy.close()
            throw error
        }
        attach(copy.rawValue, transport: .file, connected: true)
    }
}
