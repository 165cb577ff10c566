/// Which chunkings a dialogue runs under: each one is a fresh run, with a
/// fresh loop and server, and the first failure stops the plan.
///
/// ```swift
/// try dialogue.run(against: server)                        // whole only
/// try dialogue.run(against: server, chunking: .all())     // whole, bytes, every split
/// try dialogue.run(against: server, chunking: .only(.split(at: 17)))   // reproduce one case
/// ```
public struct ChunkingPlan: Sendable {
    enum Kind: Sendable {
        case fixed([Chunking])
        case all(maxSplits: Int, seed: UInt64)
        case random(runs: Int, seed: UInt64)
    }

    let kind: Kind

    /// One run, each burst of sends in one write. The default.
    public static let whole = ChunkingPlan(kind: .fixed([.whole]))

    /// Exactly these chunkings, in order.
    public static func only(_ chunkings: Chunking...) -> ChunkingPlan {
        ChunkingPlan(kind: .fixed(chunkings))
    }

    /// Whole, one byte per write, then a split before every byte that is
    /// not already the start of a write. When there are more than
    /// `maxSplits` such positions, a sample of `maxSplits` of them chosen
    /// by `seed` (the same seed, the same sample).
    public static func all(maxSplits: Int = 400, seed: UInt64 = 1) -> ChunkingPlan {
        ChunkingPlan(kind: .all(maxSplits: max(0, maxSplits), seed: seed))
    }

    /// `runs` runs with random cuts, seeds `seed`, `seed + 1`, ...
    public static func random(runs: Int, seed: UInt64) -> ChunkingPlan {
        ChunkingPlan(kind: .random(runs: max(0, runs), seed: seed))
    }

    /// The chunkings to run, given the positions where a split changes anything.
    func chunkings(splitPositions: [Int]) -> [Chunking] {
        switch kind {
        case .fixed(let chunkings):
            return chunkings
        case .random(let runs, let seed):
            return (0..<runs).map { .random(seed: seed &+ UInt64($0)) }
        case .all(let maxSplits, let seed):
            var positions = splitPositions
            if positions.count > maxSplits {
                var generator = SplitMix64(seed: seed)
                positions.shuffle(using: &generator)
                positions = Array(positions.prefix(maxSplits)).sorted()
            }
            return [.whole, .bytes] + positions.map { .split(at: $0) }
        }
    }
}
