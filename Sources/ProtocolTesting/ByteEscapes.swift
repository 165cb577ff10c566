/// The escapes of the transcript format's byte steps (`C<`, `S<`) and of
/// failure reports: `\r`, `\n`, `\t`, `\\` and `\xHH`.
enum ByteEscapes {
    enum DecodingError: Error, Equatable {
        /// A backslash at `column` (1-based, in the argument) starts no known escape.
        case unknownEscape(String, column: Int)
        case truncatedHex(column: Int)
    }

    /// The bytes an escaped argument stands for; other characters stand for their UTF-8 bytes.
    static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "\\" else {
                bytes.append(contentsOf: Array(String(scalar).utf8))
                index += 1
                continue
            }
            let column = index + 1
            guard index + 1 < scalars.count else { throw .unknownEscape("\\", column: column) }
            switch scalars[index + 1] {
            case "r": bytes.append(13)
            case "n": bytes.append(10)
            case "t": bytes.append(9)
            case "\\": bytes.append(92)
            case "x":
                guard index + 3 < scalars.count,
                      let high = hexValue(scalars[index + 2]), let low = hexValue(scalars[index + 3]) else {
                    throw .truncatedHex(column: column)
                }
                bytes.append(high << 4 | low)
                index += 2
            case let other:
                throw .unknownEscape("\\" + String(other), column: column)
            }
            index += 2
        }
        return bytes
    }

    /// Bytes as escaped text: printable ASCII as itself (a backslash doubled),
    /// CR, LF and tab by name, everything else as `\xHH`.
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            switch byte {
            case 13: text += "\\r"
            case 10: text += "\\n"
            case 9: text += "\\t"
            case 92: text += "\\\\"
            case 32...126: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + hex(byte)
            }
        }
        return text
    }

    /// A received line for display: the text itself when it is valid UTF-8
    /// without control characters, otherwise its escaped bytes.
    static func displayLine<Bytes: Collection>(_ bytes: Bytes) -> (text: String, escaped: Bool) where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self),
           !text.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\t" || $0.value == 127 }) {
            return (text, false)
        }
        return (encode(bytes), true)
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "0"..."9": return UInt8(scalar.value - 48)
        case "a"..."f": return UInt8(scalar.value - 87)
        case "A"..."F": return UInt8(scalar.value - 55)
        default: return nil
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}
