import CSystem
import Glibc

/// An `eventfd`: a counter in the kernel that a poll sees as readable while
/// it is above zero. Waking a loop is one increment.
struct EventCounter: Sendable {
    let descriptor: Int32

    /// A non-blocking, close-on-exec counter at zero. The corresponding C
    /// function is `eventfd`.
    static func make() throws(SystemError) -> EventCounter {
        EventCounter(descriptor: try Syscall.retrying(.eventfd) { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) })
    }

    /// Wraps a counter's descriptor number.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Adds one. Async-signal-safe, and `errno` is left as it was: a signal
    /// handler may run this between a failed call and its read of `errno`.
    /// A failure (a full counter, a closed descriptor) is ignored: the
    /// counter is then either readable already or gone. The corresponding C
    /// function is `write`.
    func increment() {
        let interrupted = Errno.current
        var one: UInt64 = 1
        _ = Glibc.write(descriptor, &one, 8)
        Errno.current = interrupted
    }

    /// Sets the counter back to zero. The corresponding C function is `read`.
    func reset() {
        var count: UInt64 = 0
        _ = Glibc.read(descriptor, &count, 8)
    }

    /// The corresponding C function is `close`.
    func close() {
        Syscall.close(descriptor)
    }
}
