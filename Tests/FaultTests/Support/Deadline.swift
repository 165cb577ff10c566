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
