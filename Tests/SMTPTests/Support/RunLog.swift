import ProtocolTesting
import Synchronization
import Testing

/// What a handler saw, run by run. The kit makes a fresh server for each
/// chunking of a dialogue; that server's set-up starts a new run here, so a
/// test can require every run to have seen the same.
final class RunLog<Entry: Equatable & Sendable>: Sendable {
    private let runs = Mutex<[[Entry]]>([])

    /// Called by a server's set-up: what is recorded next belongs to a new run.
    func startRun() {
        runs.withLock { $0.append([]) }
    }

    /// Adds `entry` to the current run.
    func record(_ entry: Entry) {
        runs.withLock { runs in
            precondition(!runs.isEmpty, "a record before any run started")
            runs[runs.count - 1].append(entry)
        }
    }

    /// What the runs of `report` recorded, once each run is known to have
    /// recorded the same as the first; a run that differs is a test
    /// failure. Only the first such run is reported: a failure in every
    /// chunking would otherwise bury the report in copies.
    func sameInEveryRun(of report: DialogueReport, sourceLocation: SourceLocation = #_sourceLocation) -> [Entry] {
        let recorded = runs.withLock { $0 }
        #expect(recorded.count == report.runs, "runs set up: \(recorded.count), runs made: \(report.runs)", sourceLocation: sourceLocation)
        guard let first = recorded.first else { return [] }
        if let (chunking, entries) = zip(report.chunkings, recorded).first(where: { $0.1 != first }) {
            let comment: Comment = "the run with chunking \(chunking) against the \(report.chunkings[0]) run"
            #expect(entries == first, comment, sourceLocation: sourceLocation)
        }
        return first
    }
}
