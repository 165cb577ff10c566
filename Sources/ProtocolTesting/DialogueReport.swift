/// What a passing dialogue did.
public struct DialogueReport: Sendable, Hashable {
    /// The runs made: one per chunking of the plan.
    public let runs: Int
    /// The chunkings that ran, in order.
    public let chunkings: [Chunking]
}
