/// ESMTP parameters of MAIL and RCPT (`SIZE=1000 BODY=8BITMIME SMTPUTF8`),
/// parsed as CPython's smtpd does, with RFC 5321's keyword syntax.
///
/// Words are split on white space and upper-cased by the caller. A keyword
/// is `(ALPHA / DIGIT) *(ALPHA / DIGIT / "-")`; smtpd rejected the hyphen,
/// which RFC 5321 allows. `KEY=` (a missing value) is a syntax error. When a
/// keyword repeats, the last one wins, as in smtpd.
struct SMTPParameters {
    enum Value: Equatable {
        /// The keyword alone (`SMTPUTF8`).
        case flag
        /// `KEY=value`.
        case value(String)
    }

    private(set) var values: [String: Value] = [:]

    /// Parses the words; nil when one is not a valid parameter.
    init?(_ words: [Substring]) {
        for word in words {
            let key: Substring
            let value: Value
            if let equals = word.firstIndex(of: "=") {
                key = word[..<equals]
                let text = word[word.index(after: equals)...]
                guard !text.isEmpty else { return nil }
                value = .value(String(text))
            } else {
                key = word
                value = .flag
            }
            guard SMTPParameters.isKeyword(key) else { return nil }
            values[String(key)] = value
        }
    }

    var isEmpty: Bool { values.isEmpty }

    /// Removes and returns the keyword's value.
    mutating func take(_ key: String) -> Value? {
        values.removeValue(forKey: key)
    }

    private static func isKeyword(_ key: Substring) -> Bool {
        guard let first = key.utf8.first, isAlphanumeric(first) else { return false }
        return key.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return false
        }
    }
}
