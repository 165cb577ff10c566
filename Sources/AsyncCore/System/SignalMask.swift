import Glibc

/// The calling thread's blocked signals.
enum SignalMask {
    /// Lets `signals` reach this thread. The corresponding C function is `pthread_sigmask`.
    static func unblock(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Runs a write with `SIGPIPE` blocked in this thread, and discards a
    /// `SIGPIPE` the write raised, so a closed pipe is just `EPIPE` and no
    /// process-wide signal setting changes. A `SIGPIPE` that was pending
    /// before stays pending.
    static func withBrokenPipeHeld<Result>(_ write: () throws(SystemError) -> Result) throws(SystemError) -> Result {
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
