import AsyncCore
import Testing

extension EventLoop {
    /// Runs passes until `condition` holds; records a test failure and returns
    /// false when `limit` of real time passes first. Never sleeps blindly.
    @discardableResult
    public func run(
        until condition: () -> Bool,
        limit: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Bool {
        let deadline = Deadline(limit)
        while !condition() {
            if deadline.hasPassed {
                Issue.record("condition not reached within \(limit)", sourceLocation: sourceLocation)
                return false
            }
            try runPass(timeout: .milliseconds(50))
        }
        return true
    }
}
