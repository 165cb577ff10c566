import ProtocolTesting

/// How one script went against the server, and the lines that tell it.
enum ScriptOutcome {
    case passed(runs: Int)
    /// The dialogue failed, or the script could not be read or parsed:
    /// the report or the error, naming the file and line.
    case failed(report: String)
    /// The script cannot run against a TCP server: where and why.
    case skipped(reason: String)

    /// Reads and runs the script at `path`.
    init(running path: String, settings: ScriptedPeerSettings) {
        let dialogue: Dialogue
        do {
            dialogue = try Dialogue(contentsOfFile: path)
        } catch {
            self = .failed(report: "\(error)")
            return
        }
        do {
            let report = try dialogue.run(
                against: .tcp(host: settings.host, port: settings.port), chunking: settings.chunking, deadline: settings.deadline
            )
            self = .passed(runs: report.runs)
        } catch where error.kind == .unsupported {
            self = .skipped(reason: "\(error.location.map { "\($0)" } ?? path): \(error.received)")
        } catch where error.kind == .invalidDialogue {
            self = .failed(report: "\(error.location.map { "\($0)" } ?? path): \(error.received)")
        } catch {
            self = .failed(report: error.description)
        }
    }

    /// What scripted-peer prints for the script; failures only when quiet.
    func lines(for path: String, quiet: Bool) -> [String] {
        switch self {
        case .passed(let runs):
            return quiet ? [] : ["ok    \(path) (\(runs) run\(runs == 1 ? "" : "s"))"]
        case .failed(let report):
            return ["FAIL  \(path)"] + report.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
        case .skipped(let reason):
            return quiet ? [] : ["skip  \(reason)"]
        }
    }
}
