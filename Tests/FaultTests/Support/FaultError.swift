/// A failure of the fault machinery itself (a probe that would not start, a
/// wait that ran out), as opposed to a failed expectation.
struct FaultError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
