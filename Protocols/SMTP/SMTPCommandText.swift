/// The text rules of SMTP command lines, as CPython's smtpd applies them.
enum SMTPCommandText {
    /// `FROM:` / `TO:` removed case-insensitively, and the white space after
    /// it; nil when the argument does not start with the keyword.
    static func strip(keyword: String, from argument: Substring) -> Substring? {
        guard argument.utf8.count >= keyword.utf8.count,
              zip(argument.utf8, keyword.utf8).allSatisfy({ ($0 >= 97 && $0 <= 122 ? $0 - 32 : $0) == $1 }) else { return nil }
        let rest = argument.utf8.dropFirst(keyword.utf8.count)
        return trimmed(Substring(rest))
    }

    static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{0B}" || character == "\u{0C}"
    }

    static func trimmed(_ text: Substring) -> Substring {
        guard let start = text.firstIndex(where: { !isSpace($0) }),
              let end = text.lastIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        return text[start...end]
    }

    /// Upper-cased words, as smtpd's `params.upper().split()`.
    static func words(_ text: Substring) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.uppercased().split(whereSeparator: isSpace).map(String.init)
    }

    /// Whether a decimal number is greater than `limit`, without overflowing
    /// (the limit may be Int.max): the check comes before each step.
    static func exceeds(_ digits: some StringProtocol, _ limit: Int) -> Bool {
        var value = 0
        for byte in digits.utf8 {
            let digit = Int(byte - 48)
            if digit > limit || value > (limit - digit) / 10 { return true }
            value = value * 10 + digit
        }
        return false
    }

    static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Text echoed in a reply: printable ASCII (and tab) only, and other
    /// scalars too when `unicode` (smtpd crashed encoding non-ASCII).
    static func printable(_ text: String, unicode: Bool) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 9, 0x20...0x7E: return scalar
            case 0x80...: return unicode ? scalar : "?"
            default: return "?"
            }
        }))
    }
}
