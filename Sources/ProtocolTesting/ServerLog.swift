/// The lines an in-process loop logs during one run, kept for the failure
/// report instead of going to standard error.
final class ServerLog {
    private(set) var lines: [String] = []
    private static let limit = 200

    func append(_ line: String) {
        if lines.count == ServerLog.limit { lines.removeFirst() }
        lines.append(line)
    }
}
