import Glibc

/// The one place where a C return value and `errno` become a typed result.
/// `EINTR` is retried here, so no call site ever sees it.
enum Syscall {
    @inline(__always)
    static func retrying<Result: FixedWidthInteger>(
        _ call: SystemCall, path: String? = nil, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = Errno.current
            if error != .interrupted { throw SystemError(call, errno: error, path: path) }
        }
    }

    /// Like ``retrying(_:path:_:)``, but `EAGAIN` is an answer, not an error: nil.
    @inline(__always)
    static func nonBlocking<Result: FixedWidthInteger>(
        _ call: SystemCall, _ body: () -> Result
    ) throws(SystemError) -> Result? {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = Errno.current
            if error == .wouldBlock { return nil }
            if error != .interrupted { throw SystemError(call, errno: error) }
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
}
