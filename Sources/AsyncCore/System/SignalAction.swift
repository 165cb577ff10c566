import Glibc

/// Installing C signal handlers.
enum SignalAction {
    /// Runs `handler` for `signal` from now on, restarting interrupted calls
    /// (`SA_RESTART`). The corresponding C function is `sigaction`.
    static func install(_ handler: @convention(c) (Int32) -> Void, for signal: Int32) throws(SystemError) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        _ = try Syscall.retrying(.sigaction) { sigaction(signal, &action, nil) }
    }
}
