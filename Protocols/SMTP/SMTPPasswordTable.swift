/// An ``SMTPAuthenticator`` over a table of users and passwords, read from
/// `user:password` lines (smtp-server's `--auth-file`).
///
/// ```swift
/// let table = try SMTPPasswordTable(parsing: "alice:wonderland\nbob:builder\n")
/// configuration.authenticator = table
/// ```
/// Passwords are compared in time that does not depend on where they
/// differ. The table holds them in memory as given: keep its file readable
/// by the server's user only.
public struct SMTPPasswordTable: SMTPAuthenticator {
    private let passwords: [String: [UInt8]]

    /// The users, in no order.
    public var users: [String] { Array(passwords.keys) }

    /// A table from pairs of user and password.
    public init(_ entries: [String: String]) {
        passwords = entries.mapValues { Array($0.utf8) }
    }

    /// Reads `user:password` lines: the user is everything before the first
    /// colon, the password everything after it. Empty lines and lines
    /// starting with `#` are skipped; a CR before the LF is dropped.
    /// - Throws: ``SMTPPasswordTableError`` naming the line of a malformed
    ///   entry (never its password).
    public init(parsing text: String) throws(SMTPPasswordTableError) {
        var entries: [String: [UInt8]] = [:]
        // By bytes: as Characters, a CRLF is one and would not split at LF.
        for (index, rawLine) in Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.first == 35 { continue }
            guard let colon = line.firstIndex(of: 58), colon != line.startIndex else {
                throw .malformedLine(index + 1)
            }
            let user = String(decoding: line[..<colon], as: UTF8.self)
            guard entries[user] == nil else { throw .duplicateUser(user, line: index + 1) }
            entries[user] = Array(line[(colon + 1)...])
        }
        passwords = entries
    }

    public func authenticate(_ credentials: SMTPCredentials) -> Bool {
        let offered = Array(credentials.password.utf8)
        guard let expected = passwords[credentials.user] else {
            // The same work as for a known user: timing does not tell users apart.
            _ = Self.equalInConstantTime(offered, offered)
            return false
        }
        return Self.equalInConstantTime(offered, expected)
    }

    private static func equalInConstantTime(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference: UInt8 = left.count == right.count ? 0 : 1
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}

/// Why ``SMTPPasswordTable/init(parsing:)`` refused its text.
public enum SMTPPasswordTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line (counted from 1) is not `user:password` with a user.
    case malformedLine(Int)
    /// The user appears twice; `line` is the second.
    case duplicateUser(String, line: Int)

    public var description: String {
        switch self {
        case .malformedLine(let line): return "line \(line) is not user:password"
        case .duplicateUser(let user, let line): return "line \(line) names the user \(user) a second time"
        }
    }
}
