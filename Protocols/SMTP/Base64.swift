/// Base64 (RFC 4648, with padding) for SASL exchanges, which carry their
/// challenges and responses in it (RFC 4954 section 4).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(second == nil ? 61 : alphabet[Int(group >> 6 & 63)])
            output.append(third == nil ? 61 : alphabet[Int(group & 63)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes; nil unless it is whole groups of four
    /// alphabet characters, padded with `=` only at the end.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var group: UInt32 = 0
        var count = 0
        var padding = 0
        for character in text {
            let value: UInt32
            switch character {
            case 65...90: value = UInt32(character - 65)
            case 97...122: value = UInt32(character - 97 + 26)
            case 48...57: value = UInt32(character - 48 + 52)
            case 43: value = 62
            case 47: value = 63
            case 61:
                padding += 1
                value = 0
            default:
                return nil
            }
            // Nothing but padding may follow padding.
            if padding > 0, character != 61 { return nil }
            group = group << 6 | value
            count += 1
            if count == 4 {
                guard padding <= 2 else { return nil }
                output.append(UInt8(group >> 16 & 255))
                if padding < 2 { output.append(UInt8(group >> 8 & 255)) }
                if padding < 1 { output.append(UInt8(group & 255)) }
                group = 0
                count = 0
            }
        }
        return output
    }
}
