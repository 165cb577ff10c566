import AsyncCore
import Dispatch
import Synchronization

/// The threads that write a Maildir off the event loop, and its group
/// commit.
///
/// Each message's file is written by one of a few serial writer queues, in
/// order, then flushed (`fsync`) there; several messages are flushed at once
/// on different queues. A finished file joins the commit list; one commit
/// round at a time moves every file on the list into `new/` and flushes
/// `new/` once for all of them, then answers them all. While a round runs
/// the next one's list fills, so the busier the server, the more messages
/// share one directory flush.
final class MaildirWriter: Sendable {
    private struct Commits {
        var files: [(MaildirFile, SMTPAnswer)] = []
        var roundScheduled = false
    }

    let directory: String
    let budget: MaildirBudget
    private let queues: [DispatchQueue]
    private let committer = DispatchQueue(label: "maildir.commit")
    private let commits = Mutex(Commits())
    private let nextQueue = Atomic<Int>(0)
    private let newDirectory: FileDescriptor

    init(directory: String, newDirectory: FileDescriptor, writers: Int, maxBufferedBytes: Int) {
        self.directory = directory
        self.newDirectory = newDirectory
        budget = MaildirBudget(high: maxBufferedBytes)
        queues = (0..<max(1, writers)).map { DispatchQueue(label: "maildir.writer.\($0)") }
    }

    /// A writer queue for a new message, in turn.
    func queue() -> DispatchQueue {
        queues[nextQueue.add(1, ordering: .relaxed).newValue % queues.count]
    }

    /// Appends `bytes` to `file` on `queue`; `answer` (a content piece's)
    /// is given once the budget allows.
    func append(_ bytes: [UInt8], to file: MaildirFile, on queue: DispatchQueue, answer: SMTPAnswer?) {
        guard !bytes.isEmpty else {
            answer?(.accept)
            return
        }
        budget.charge(bytes.count, answer: answer)
        let budget = self.budget
        queue.async {
            bytes.withUnsafeBytes { file.append($0) }
            budget.release(bytes.count)
        }
    }

    /// Appends the last `bytes` to `file` on `queue`, flushes it and commits
    /// it, in one job; `answer` is the message's reply.
    func finish(_ file: MaildirFile, with bytes: [UInt8], on queue: DispatchQueue, answer: SMTPAnswer) {
        queue.async {
            if !bytes.isEmpty { bytes.withUnsafeBytes { file.append($0) } }
            guard file.finish() == nil else {
                answer(.reply(.localError))
                return
            }
            self.commit(file, answer: answer)
        }
    }

    /// Waits until every write and commit queued so far is done.
    func drain() {
        for queue in queues { queue.sync {} }
        committer.sync {}
    }

    /// Drops `file` on `queue`, after the writes already queued.
    func discard(_ file: MaildirFile, on queue: DispatchQueue) {
        queue.async { file.discard() }
    }

    private func commit(_ file: MaildirFile, answer: SMTPAnswer) {
        let startRound = commits.withLock { commits -> Bool in
            commits.files.append((file, answer))
            guard !commits.roundScheduled else { return false }
            commits.roundScheduled = true
            return true
        }
        if startRound { committer.async { self.commitRounds() } }
    }

    /// Runs rounds until the list is empty: rename each file into `new/`,
    /// flush `new/` once, answer each. `250` only once both the data and the
    /// directory entry are durable; a file that failed is removed and
    /// answered `451`.
    private func commitRounds() {
        while true {
            let round = commits.withLock { commits -> [(MaildirFile, SMTPAnswer)] in
                if commits.files.isEmpty { commits.roundScheduled = false }
                defer { commits.files = [] }
                return commits.files
            }
            guard !round.isEmpty else { return }
            var moved: [(MaildirFile, SMTPAnswer)] = []
            for (file, answer) in round {
                do throws(SystemError) {
                    try FileDescriptor.rename(file.temporaryPath, to: file.finalPath)
                    moved.append((file, answer))
                } catch {
                    file.discard()
                    answer(.reply(.localError))
                }
            }
            guard !moved.isEmpty else { continue }
            do throws(SystemError) {
                try newDirectory.fsync()
                for (_, answer) in moved { answer(.accept) }
            } catch {
                // Not durable: take the files back, so the client's retry is the only copy.
                for (file, answer) in moved {
                    try? FileDescriptor.remove(file.finalPath)
                    answer(.reply(.localError))
                }
            }
        }
    }
}
