import Glibc
import TestSupport

/// A `fault-probe` server in a child process: its port, its control channel
/// (commands on its standard input), its output lines, and what `/proc`
/// says about it. Every wait has a deadline. The child is killed when this
/// object goes away.
final class ProbeProcess {
    /// The port the server listens on, on 127.0.0.1.
    private(set) var port: UInt16 = 0
    /// Lines the probe logged ("log: ..."), in order.
    private(set) var logLines: [String] = []
    private let process: ChildProcess

    /// Starts `fault-probe` with `arguments`, with default signal handling
    /// and nothing blocked, and waits for it to listen.
    init(_ arguments: [String], within limit: Duration = .seconds(30)) throws {
        process = try ChildProcess(product: "fault-probe", arguments: arguments, input: .open)
        let announcement = try nextLine(within: limit) { $0.hasPrefix("listening on ") || $0.hasPrefix("error: ") }
        guard let port = announcement.split(separator: ":").last.flatMap({ UInt16($0) }), announcement.hasPrefix("listening") else {
            throw FaultError("the probe did not start: \(announcement)")
        }
        self.port = port
    }

    var pid: pid_t { process.pid }

    /// Asks the probe's loop for its state.
    func stats(within limit: Duration = .seconds(20)) throws -> ProbeStats {
        let deadline = Deadline(limit)
        try process.write(Array("stats\n".utf8), within: deadline.remaining)
        return ProbeStats(line: try nextLine(within: deadline.remaining) { $0.hasPrefix("stats ") })
    }

    /// Asks for the state until `condition` holds; returns that state.
    @discardableResult
    func waitForStats(within limit: Duration = .seconds(20), _ what: String, until condition: (ProbeStats) -> Bool) throws -> ProbeStats {
        let deadline = Deadline(limit)
        while true {
            let stats = try self.stats(within: deadline.remaining)
            if condition(stats) { return stats }
            if deadline.hasPassed { throw FaultError("timed out waiting for \(what); last stats \(stats)") }
        }
    }

    /// True while the child has not exited.
    var isRunning: Bool { process.isRunning }

    /// Its resident memory now and at its peak.
    func memory() throws -> ResidentMemory {
        let memory = try process.status.residentMemory()
        return ResidentMemory(current: memory.current, peak: memory.peak)
    }

    /// The signals pending for it, as a bit mask with bit `n - 1` for signal `n`.
    func pendingSignals() throws -> UInt64 {
        try process.status.pendingSignals()
    }

    /// How many descriptors it holds open.
    func openDescriptorCount() throws -> Int {
        try process.status.openDescriptorCount()
    }

    /// Sends `signal` to the child.
    func send(signal: Int32) {
        process.send(signal: signal)
    }

    /// Collects log lines that arrived so far, without waiting.
    func collectLogLines() throws {
        for line in try process.lines(during: .zero) { note(line) }
    }

    /// The next output line that `wanted` accepts; log lines on the way are kept.
    private func nextLine(within limit: Duration, where wanted: (String) -> Bool) throws -> String {
        let deadline = Deadline(limit)
        while true {
            guard let line = try process.readLine(within: deadline.remaining) else { throw FaultError("the probe's output ended") }
            if wanted(line) { return line }
            note(line)
        }
    }

    private func note(_ line: String) {
        if line.hasPrefix("log: ") { logLines.append(String(line.dropFirst(5))) }
    }
}
