import AsyncCore
import TestSupport
import Testing

/// Alternates `step` with passes of `loop` until `step` returns true. Records
/// a test failure and returns false when `limit` of real time passes first,
/// so a stuck exchange fails rather than hangs. Never sleeps blindly: a pass
/// waits at most 1 ms for the server's events.
@discardableResult
func drive(
    _ loop: EventLoop,
    limit: Duration = .seconds(20),
    sourceLocation: SourceLocation = #_sourceLocation,
    until step: () throws -> Bool
) throws -> Bool {
    let deadline = Deadline(limit)
    while try !step() {
        if deadline.hasPassed {
            Issue.record("not done within \(limit)", sourceLocation: sourceLocation)
            return false
        }
        try loop.runPass(timeout: .milliseconds(1))
    }
    return true
}

/// `count` bytes of a pattern that does not repeat every 256 bytes, so a
/// dropped, doubled or reordered chunk shows up.
func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
}
