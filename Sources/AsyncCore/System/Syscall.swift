import Glibc

/// The one place where a C return value and `errno` become a typed result.
/// `EINTR` is retried here, so no call site ever sees it.
enum Syscall {
    @inline(__always)
    static func retrying<Result: FixedWidthInteger>(
        _ call: SystemCall, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = Glibc.errno
            if error != EINTR { throw SystemError(call, errno: error) }
        }
    }

    /// Like ``retrying(_:_:)``, but `EAGAIN` is an answer, not an error: nil.
    @inline(__always)
    static func nonBlocking<Result: FixedWidthInteger>(
        _ call: SystemCall, _ body: () -> Result
    ) throws(SystemError) -> Result? {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = Glibc.errno
            if error == EAGAIN || error == EWOULDBLOCK { return nil }
            if error != EINTR { throw SystemError(call, errno: error) }
        }
    }

    static func close(_ fd: Int32) {
        // Linux releases the descriptor even when close fails with EINTR, so never retry it.
        _ = Glibc.close(fd)
    }

    static func setNonBlocking(_ fd: Int32) throws(SystemError) {
        let flags = try retrying(.fcntl) { fcntl(fd, F_GETFL) }
        if flags & O_NONBLOCK == 0 {
            _ = try retrying(.fcntl) { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        }
    }

    static func setCloseOnExec(_ fd: Int32) throws(SystemError) {
        let flags = try retrying(.fcntl) { fcntl(fd, F_GETFD) }
        _ = try retrying(.fcntl) { fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}
