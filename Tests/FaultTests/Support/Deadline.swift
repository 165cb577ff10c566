import AsyncCore
import Glibc

/// A point in real time by which something must have happened. Tests wait
/// on events up to a deadline; they never sleep for a guessed duration.
struct Deadline {
    private let end: ContinuousClock.Instant

    init(_ limit: Duration) {
        end = ContinuousClock.now.advanced(by: limit)
    }

    var hasPassed: Bool { ContinuousClock.now >= end }

    /// The time left, never negative.
    var remaining: Duration { max(.zero, ContinuousClock.now.duration(to: end)) }
}

/// A failure of the fault machinery itself (a probe that would not start, a
/// wait that ran out), as opposed to a failed expectation.
struct FaultError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `socket` has one of `events`; false once `deadline` passes first.
func awaitEvents(_ events: Int16, on socket: Socket, until deadline: Deadline) throws -> Bool {
    var descriptor = pollfd(fd: socket.descriptor, events: events, revents: 0)
    while true {
        let left = deadline.remaining
        let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds + (left > .zero ? 1 : 0))
        if ready > 0 { return true }
        if ready == 0, deadline.hasPassed { return false }
        if ready < 0, errno != EINTR { throw SystemError(.poll, errno: errno) }
    }
}
