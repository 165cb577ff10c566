import Glibc

/// A point in real time by which something must have happened. Tests wait on
/// events up to a deadline; they never sleep for a guessed duration, and a
/// wait that runs out fails the test instead of hanging it.
///
///     let deadline = Deadline(.seconds(20))
///     while !done {
///         guard try deadline.awaitEvents(Int16(POLLIN), on: descriptor) else { throw ... }
///         ...
///     }
public struct Deadline: Sendable {
    private let end: ContinuousClock.Instant

    public init(_ limit: Duration) {
        end = ContinuousClock.now.advanced(by: limit)
    }

    public var hasPassed: Bool { ContinuousClock.now >= end }

    /// The time left, never negative.
    public var remaining: Duration { max(.zero, ContinuousClock.now.duration(to: end)) }

    /// The time left in whole milliseconds for `poll(2)`, rounded up so that a
    /// wait never ends just before the deadline and spins.
    public var pollTimeout: Int32 {
        let left = remaining.components
        let milliseconds = left.seconds * 1000 + (left.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// Waits until `descriptor` has one of `events` (or an error or hang-up).
    /// - Returns: false when the deadline passes first.
    public func awaitEvents(_ events: Int16, on descriptor: Int32) throws(SystemCallFailure) -> Bool {
        var watched = [pollfd(fd: descriptor, events: events, revents: 0)]
        return try awaitEvents(on: &watched)
    }

    /// Waits until one of `descriptors` has one of its events (or an error or
    /// hang-up); their `revents` say which. Interrupted waits resume.
    /// - Returns: false when the deadline passes first.
    public func awaitEvents(on descriptors: inout [pollfd]) throws(SystemCallFailure) -> Bool {
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), pollTimeout)
            if ready > 0 { return true }
            if ready == 0, hasPassed { return false }
            if ready < 0, errno != EINTR { throw SystemCallFailure(call: "poll", errno: errno) }
        }
    }
}
