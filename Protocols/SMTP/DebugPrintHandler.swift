import AsyncCore

/// Prints each message in the format of CPython smtpd's `DebuggingServer`
/// and accepts it: a test mail sink you can watch.
///
/// ```swift
/// let server = try SMTPServer(handler: DebugPrintHandler(), loop: loop)
/// ```
/// prints, for a message `From: test` / (blank) / `hello`:
/// ```
/// ---------- MESSAGE FOLLOWS ----------
/// b'From: test'
/// b'X-Peer: 127.0.0.1'
/// b''
/// b'hello'
/// ------------ END MESSAGE ------------
/// ```
/// Lines are shown as Python bytes literals, as smtpd does, unless the
/// server decodes data (``SMTPConfiguration/decodeData``): then they are
/// printed as text. `X-Peer` goes before the first empty line; the MAIL and
/// RCPT parameters are listed when there are any.
public final class DebugPrintHandler: SMTPDeliveryHandler {
    private let write: (String) -> Void

    /// A handler printing to standard output, one write per message.
    public convenience init() {
        self.init { text in
            var text = text
            text.withUTF8 { bytes in _ = try? FileDescriptor.standardOutput.writeAll(UnsafeRawBufferPointer(bytes)) }
        }
    }

    /// A handler that passes each message's text to `write`.
    public init(write: @escaping (String) -> Void) {
        self.write = write
    }

    public func deliver(_ message: SMTPMessage) -> SMTPReply {
        write(DebugPrintHandler.format(message))
        return .ok
    }

    /// The printed form of `message`.
    static func format(_ message: SMTPMessage) -> String {
        let decoded = message.text != nil
        var out = "---------- MESSAGE FOLLOWS ----------\n"
        if !decoded {
            if !message.mailOptions.isEmpty { out += "mail options: \(pythonList(message.mailOptions))\n" }
            if !message.rcptOptions.isEmpty { out += "rcpt options: \(pythonList(message.rcptOptions))\n\n" }
        }
        var inHeaders = true
        for line in smtpdLines(message.dataWithLFLineEnds) {
            if inHeaders, line.isEmpty {
                let header = "X-Peer: " + peerHost(message.peer)
                out += (decoded ? header : pythonBytes(Array(header.utf8)[...])) + "\n"
                inHeaders = false
            }
            out += (decoded ? String(decoding: line, as: UTF8.self) : pythonBytes(line)) + "\n"
        }
        out += "------------ END MESSAGE ------------\n"
        return out
    }

    private static func peerHost(_ peer: SocketAddress) -> String {
        switch peer {
        case .ipv4(let host, _), .ipv6(let host, _): return host
        case .unix(let path): return path
        }
    }

    /// smtpd's `data.splitlines()`, where data had no final line end: lines
    /// end at LF, CR, or CR LF.
    private static func smtpdLines(_ content: [UInt8]) -> [ArraySlice<UInt8>] {
        var bytes = content[...]
        if bytes.last == 10 { bytes = bytes.dropLast() }
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 10 || byte == 13 {
                lines.append(bytes[start..<index])
                if byte == 13, index + 1 < bytes.endIndex, bytes[index + 1] == 10 { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { lines.append(bytes[start...]) }
        return lines
    }

    /// Python's `repr()` of a bytes object.
    static func pythonBytes(_ bytes: ArraySlice<UInt8>) -> String {
        let quote: UInt8 = bytes.contains(39) && !bytes.contains(34) ? 34 : 39
        var out = "b" + String(UnicodeScalar(quote))
        for byte in bytes {
            switch byte {
            case 92: out += "\\\\"
            case quote: out += "\\" + String(UnicodeScalar(quote))
            case 9: out += "\\t"
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 32...126: out.unicodeScalars.append(UnicodeScalar(byte))
            default: out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return out + String(UnicodeScalar(quote))
    }

    /// Python's `repr()` of a list of strings.
    private static func pythonList(_ items: [String]) -> String {
        "[" + items.map { item -> String in
            let quote: Character = item.contains("'") && !item.contains("\"") ? "\"" : "'"
            var out = String(quote)
            for scalar in item.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default:
                    if Character(scalar) == quote {
                        out += "\\" + String(quote)
                    } else if scalar.value < 0x20 || scalar.value == 0x7F {
                        out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + String(quote)
        }.joined(separator: ", ") + "]"
    }
}
