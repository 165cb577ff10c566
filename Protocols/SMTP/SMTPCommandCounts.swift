/// How many commands of each verb a session accepted and received, for the
/// disconnect log line (Postfix's `ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6`).
struct SMTPCommandCounts: Sendable {
    private var verbs: [String] = []
    private var accepted: [Int] = []
    private var total: [Int] = []

    mutating func record(_ verb: String, accepted wasAccepted: Bool) {
        let index: Int
        if let found = verbs.firstIndex(of: verb) {
            index = found
        } else {
            verbs.append(verb)
            accepted.append(0)
            total.append(0)
            index = verbs.count - 1
        }
        total[index] += 1
        if wasAccepted { accepted[index] += 1 }
    }

    /// `ehlo=1 mail=1 rcpt=1/2 ... commands=5/6`, or `commands=0`.
    var summary: String {
        var parts: [String] = []
        for index in verbs.indices {
            parts.append("\(verbs[index].lowercased())=\(SMTPCommandCounts.ratio(accepted[index], total[index]))")
        }
        parts.append("commands=\(SMTPCommandCounts.ratio(accepted.reduce(0, +), total.reduce(0, +)))")
        return parts.joined(separator: " ")
    }

    private static func ratio(_ accepted: Int, _ total: Int) -> String {
        accepted == total ? "\(total)" : "\(accepted)/\(total)"
    }
}
