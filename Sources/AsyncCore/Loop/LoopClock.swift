import Glibc

/// A point on an ``EventLoop``'s clock, in nanoseconds from an arbitrary origin.
public struct LoopInstant: Comparable, Hashable, Sendable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: LoopInstant, rhs: LoopInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// This instant moved by `duration` (negative durations move it back),
    /// saturating at the ends of the range: a huge delay means "never", not
    /// a deadline wrapped into the past.
    public func advanced(by duration: Duration) -> LoopInstant {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(duration.nanoseconds)
        if overflow { return LoopInstant(nanoseconds: duration < .zero ? .min : .max) }
        return LoopInstant(nanoseconds: sum)
    }

    /// The time from `other` to this instant, saturating as ``advanced(by:)`` does.
    public func duration(since other: LoopInstant) -> Duration {
        let (difference, overflow) = nanoseconds.subtractingReportingOverflow(other.nanoseconds)
        if overflow { return .nanoseconds(other.nanoseconds < 0 ? Int64.max : Int64.min) }
        return .nanoseconds(difference)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return scaled &+ attoseconds / 1_000_000_000
    }
}

/// The time source of an ``EventLoop``: timers fire by it, idle timeouts are
/// measured with it. Inject a ``ManualClock`` to test time-outs without sleeping.
public protocol LoopClock: AnyObject {
    /// The current instant.
    var now: LoopInstant { get }
    /// True for a clock that moves only when told to: the loop then never
    /// sleeps waiting for one of its timers.
    var isVirtual: Bool { get }
}

extension LoopClock {
    public var isVirtual: Bool { false }
}

/// `CLOCK_MONOTONIC`: never jumps with the wall clock. The default clock.
public final class MonotonicClock: LoopClock {
    public init() {}

    public var now: LoopInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return LoopInstant(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}

/// A clock that moves only when told to: virtual time for tests.
///
/// ```swift
/// let clock = ManualClock()
/// let loop = try EventLoop(clock: clock)
/// var fired = false
/// loop.schedule(after: .seconds(300)) { fired = true }
/// clock.advance(by: .seconds(300))
/// try loop.run(timeout: .zero, count: 1)   // fired == true, at once
/// ```
/// While timers are pending on a manual clock, `run` does not sleep for them:
/// the loop never waits in real time for virtual time to pass.
public final class ManualClock: LoopClock {
    public private(set) var now: LoopInstant
    public var isVirtual: Bool { true }

    public init(now: LoopInstant = LoopInstant(nanoseconds: 0)) {
        self.now = now
    }

    /// Moves the clock forward; due timers fire on the loop's next pass.
    public func advance(by duration: Duration) {
        now = now.advanced(by: duration)
    }
}
