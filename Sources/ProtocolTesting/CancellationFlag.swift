import Synchronization

/// Set by a cancelled task, read by the thread running its dialogue.
final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    func set() {
        cancelled.store(true, ordering: .releasing)
    }

    var isSet: Bool { cancelled.load(ordering: .acquiring) }
}
