/// A parser for the address argument of MAIL, RCPT and VRFY (RFC 5321
/// section 4.1.2, with the extensions of RFC 6531 for UTF-8 addresses).
///
/// It accepts `<>`, `<mailbox>`, `<@source,@route:mailbox>` (the route is
/// dropped, as RFC 5321 tells receivers to do) and, like CPython's smtpd, a
/// mailbox without angle brackets and a local part without a domain. Quoted
/// local parts keep their quotes only where they are needed
/// (`"Fred Blogs"@example.com`, but `"fred"@example.com` is `fred@example.com`).
/// Anything else is a syntax error, answered with 501 by the session: a
/// malformed address never ends the connection (smtpd crashed on `<`, `@@`
/// and the like).
enum SMTPPath {
    /// The address at the start of `text` and what follows it (the
    /// parameters), or nil when `text` does not start with a valid path.
    /// The null path `<>` gives an empty address.
    static func parse(_ text: Substring) -> (address: String, rest: Substring)? {
        var scanner = Scanner(text)
        scanner.skipSpaces()
        if scanner.take("<") {
            scanner.skipSpaces()
            if scanner.take(">") { return ("", scanner.rest) }
            if scanner.peek == "@" {
                guard scanner.skipSourceRoute() else { return nil }
            }
            guard let mailbox = scanner.mailbox() else { return nil }
            scanner.skipSpaces()
            guard scanner.take(">") else { return nil }
            return (mailbox, scanner.rest)
        }
        guard let mailbox = scanner.mailbox() else { return nil }
        return (mailbox, scanner.rest)
    }

    /// atext of RFC 5322, plus any non-ASCII scalar (RFC 6531 UTF8-non-ascii).
    static func isAtomCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: return true
        case 0x80...: return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    private static func isDomainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x2D, 0x5F, 0x80...: return true
        default: return false
        }
    }

    /// True when `local` can be written without quotes (a dot-string).
    private static func isDotString(_ local: String) -> Bool {
        !local.isEmpty && local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.unicodeScalars.allSatisfy(isAtomCharacter)
        }
    }

    private struct Scanner {
        let scalars: Substring.UnicodeScalarView
        var index: Substring.UnicodeScalarView.Index

        init(_ text: Substring) {
            scalars = text.unicodeScalars
            index = scalars.startIndex
        }

        var peek: Unicode.Scalar? { index < scalars.endIndex ? scalars[index] : nil }
        var rest: Substring { Substring(scalars[index...]) }

        mutating func take(_ scalar: Unicode.Scalar) -> Bool {
            guard peek == scalar else { return false }
            scalars.formIndex(after: &index)
            return true
        }

        mutating func skipSpaces() {
            while let scalar = peek, scalar == " " || scalar == "\t" { scalars.formIndex(after: &index) }
        }

        /// `@domain *("," @domain) ":"`
        mutating func skipSourceRoute() -> Bool {
            repeat {
                guard take("@"), domain() != nil else { return false }
            } while take(",")
            return take(":")
        }

        mutating func mailbox() -> String? {
            let local: String
            if peek == "\"" {
                guard let quoted = quotedString() else { return nil }
                local = SMTPPath.isDotString(quoted) ? quoted : SMTPPath.quote(quoted)
            } else {
                guard let dotted = dotString() else { return nil }
                local = dotted
            }
            guard take("@") else { return local }
            guard let domain = domain() else { return nil }
            return local + "@" + domain
        }

        mutating func dotString() -> String? {
            let start = index
            while true {
                let atomStart = index
                while let scalar = peek, SMTPPath.isAtomCharacter(scalar) { scalars.formIndex(after: &index) }
                guard index > atomStart else { return nil }
                guard take(".") else { break }
            }
            return String(Substring(scalars[start..<index]))
        }

        /// The content of a quoted string, unescaped.
        mutating func quotedString() -> String? {
            guard take("\"") else { return nil }
            var content = String.UnicodeScalarView()
            while let scalar = peek {
                scalars.formIndex(after: &index)
                switch scalar {
                case "\"":
                    return String(content)
                case "\\":
                    guard let escaped = peek, escaped.value >= 0x20, escaped.value != 0x7F else { return nil }
                    content.append(escaped)
                    scalars.formIndex(after: &index)
                default:
                    guard scalar.value >= 0x20, scalar.value != 0x7F else { return nil }
                    content.append(scalar)
                }
            }
            return nil
        }

        /// A dotted domain name or an address literal in brackets.
        mutating func domain() -> String? {
            let start = index
            if take("[") {
                while let scalar = peek, scalar != "]", scalar != "[", scalar != "\\", scalar.value > 0x20, scalar.value != 0x7F {
                    scalars.formIndex(after: &index)
                }
                guard scalars.distance(from: start, to: index) > 1, take("]") else { return nil }
                return String(Substring(scalars[start..<index]))
            }
            while true {
                let labelStart = index
                while let scalar = peek, SMTPPath.isDomainCharacter(scalar) { scalars.formIndex(after: &index) }
                guard index > labelStart else { return nil }
                guard take(".") else { break }
            }
            return String(Substring(scalars[start..<index]))
        }
    }

    private static func quote(_ local: String) -> String {
        // By scalar: a quote or backslash followed by a combining mark is one
        // Character, which equals neither.
        var quoted = String.UnicodeScalarView(["\""])
        for scalar in local.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.append("\\") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }
}
