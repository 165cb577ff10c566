import AsyncCore
import Testing

extension EventLoop {
    /// Runs passes until `condition` holds; records an issue after `limit`.
    @discardableResult
    func run(until condition: () -> Bool, limit: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !condition() {
            if ContinuousClock.now >= deadline {
                Issue.record("condition not reached within \(limit)", sourceLocation: sourceLocation)
                return false
            }
            try runPass(timeout: .milliseconds(10))
        }
        return true
    }
}
