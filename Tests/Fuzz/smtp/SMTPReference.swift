/// Plain statements of what the SMTP code must produce, written for
/// clarity rather than speed, to check it against.
enum SMTPReference {
    /// Why `reply` is not a well-formed RFC 5321 reply, or nil: lines of
    /// `NNN-text` ending in one `NNN text`, the same code 200-599 on each,
    /// CRLF after each, and no control character (tab aside) in the text.
    /// Non-ASCII text is allowed only where SMTPUTF8 is on.
    static func problem(with reply: SMTPReply, allowsNonASCII: Bool) -> String? {
        guard (200...599).contains(reply.code), !reply.lines.isEmpty else { return "code \(reply.code), \(reply.lines.count) lines" }
        var bytes = reply.encoded[...]
        let code = Array(String(reply.code).utf8)
        for index in reply.lines.indices {
            guard bytes.starts(with: code) else { return "line \(index) does not start with the code" }
            bytes = bytes.dropFirst(3)
            let separator: UInt8 = index == reply.lines.count - 1 ? 32 : 45
            guard bytes.first == separator else { return "line \(index) has no '\(Character(UnicodeScalar(separator)))' after the code" }
            bytes = bytes.dropFirst()
            guard let end = bytes.firstIndex(of: 13), bytes.index(after: end) < bytes.endIndex, bytes[end + 1] == 10 else {
                return "line \(index) does not end in CRLF"
            }
            let text = bytes[..<end]
            if let bad = text.first(where: { ($0 < 32 && $0 != 9) || $0 == 127 || ($0 >= 128 && !allowsNonASCII) }) {
                return "line \(index) holds the byte \(bad)"
            }
            guard text.elementsEqual(reply.lines[index].utf8) else { return "line \(index)'s text differs from lines[\(index)]" }
            bytes = bytes[(end + 2)...]
        }
        return bytes.isEmpty ? nil : "bytes after the last line"
    }

    /// RFC 5321 section 4.5.2: a line of message content that starts with a
    /// dot loses that dot. The line is given without its CRLF.
    static func unstuffed(_ line: [UInt8]) -> [UInt8] {
        line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line
    }

    /// Every CRLF becomes LF; a bare CR or LF stays.
    static func withLFLineEnds(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < data.count {
            if data[index] == 13, index + 1 < data.count, data[index + 1] == 10 {
                result.append(10)
                index += 2
            } else {
                result.append(data[index])
                index += 1
            }
        }
        return result
    }

    /// ESMTP parameters as RFC 5321 writes them: `keyword["=" value]`, the
    /// keyword a letter or digit then letters, digits and hyphens, the value
    /// not empty; the last of a repeated keyword wins. Nil if a word is not one.
    static func parameters(_ words: [Substring]) -> [String: SMTPParameters.Value]? {
        var values: [String: SMTPParameters.Value] = [:]
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let keyword = Array(parts[0].utf8)
            let isKeyword = keyword.first.map(isAlphanumeric) == true && keyword.allSatisfy { isAlphanumeric($0) || $0 == 45 }
            guard isKeyword else { return nil }
            if parts.count == 2 {
                guard !parts[1].isEmpty else { return nil }
                values[String(parts[0])] = .value(String(parts[1]))
            } else {
                values[String(parts[0])] = .flag
            }
        }
        return values
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }
}
