import Glibc
import Synchronization

/// Turns POSIX signals into loop callbacks. The C handler may only do
/// async-signal-safe things, so it records the signal in a bit set and writes
/// the loop's eventfd; the loop runs the Swift callbacks on its next pass.
enum SignalRelay {
    private static let wakeDescriptor = Atomic<Int32>(-1)
    private static let pending = Atomic<UInt64>(0)

    static func install(_ signals: [Int32], wakeDescriptor descriptor: Int32) throws(SystemError) {
        wakeDescriptor.store(descriptor, ordering: .releasing)
        for signal in signals {
            precondition(signal > 0 && signal < 64, "signal number out of range: \(signal)")
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                // The interrupted code may be between a failed call and its
                // read of errno; a failed write here (no loop left: fd -1)
                // must not change what it reads.
                let interruptedErrno = Glibc.errno
                SignalRelay.pending.bitwiseOr(UInt64(1) << UInt64(number), ordering: .relaxed)
                var one: UInt64 = 1
                _ = Glibc.write(SignalRelay.wakeDescriptor.load(ordering: .relaxed), &one, 8)
                Glibc.errno = interruptedErrno
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            _ = try Syscall.retrying(.sigaction) { sigaction(signal, &action, nil) }
        }
        var installed = sigset_t()
        sigemptyset(&installed)
        for signal in signals { sigaddset(&installed, signal) }
        pthread_sigmask(SIG_UNBLOCK, &installed, nil)
    }

    static func uninstall(wakeDescriptor descriptor: Int32) {
        _ = wakeDescriptor.compareExchange(expected: descriptor, desired: -1, ordering: .acquiringAndReleasing)
    }

    /// The signals received since the last call, lowest number first, for the
    /// loop whose wake-up descriptor the handlers write to. Every other loop
    /// gets none: waking it for its own reasons must not swallow them.
    static func takePending(for descriptor: Int32) -> [Int32] {
        guard wakeDescriptor.load(ordering: .acquiring) == descriptor else { return [] }
        let bits = pending.exchange(0, ordering: .acquiringAndReleasing)
        guard bits != 0 else { return [] }
        return (1..<64).filter { bits & (UInt64(1) << UInt64($0)) != 0 }.map { Int32($0) }
    }
}
