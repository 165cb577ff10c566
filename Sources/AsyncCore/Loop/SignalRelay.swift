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
            try SignalAction.install({ number in
                // Only async-signal-safe work here; a failed increment (no
                // loop left: fd -1) leaves the interrupted code's errno alone.
                SignalRelay.pending.bitwiseOr(UInt64(1) << UInt64(number), ordering: .relaxed)
                EventCounter(descriptor: SignalRelay.wakeDescriptor.load(ordering: .relaxed)).increment()
            }, for: signal)
        }
        SignalMask.unblock(signals)
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
