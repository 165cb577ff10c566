import Glibc

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
/// let stdin = try LineReader(fileDescriptor: 0, loop: loop)
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
    public init(fileDescriptor: Int32, loop: EventLoop) throws(SystemError) {
        super.init(loop: loop)
        let copy = try Syscall.retrying(.dup) { fcntl(fileDescriptor, F_DUPFD_CLOEXEC, 0) }
        do {
            try Syscall.setNonBlocking(copy)
        } catch {
            Syscall.close(copy)
            throw error
        }
        usesFileIO = true
        attach(copy, connected: true)
    }

    /// Runs a write with `SIGPIPE` blocked in this thread, and discards a
    /// `SIGPIPE` the write raised, so a closed pipe is just `EPIPE`.
    static func withoutSIGPIPE<Result>(_ write: () throws(SystemError) -> Result) throws(SystemError) -> Result {
        var pipeOnly = sigset_t()
        var previous = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var alreadyPending = sigset_t()
        sigpending(&alreadyPending)
        let wasPending = sigismember(&alreadyPending, SIGPIPE) == 1
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        defer {
            if !wasPending {
                var nowPending = sigset_t()
                sigpending(&nowPending)
                if sigismember(&nowPending, SIGPIPE) == 1 {
                    var immediately = timespec(tv_sec: 0, tv_nsec: 0)
                    _ = sigtimedwait(&pipeOnly, nil, &immediately)
                }
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return try write()
    }
}
