/// A line at the head of a client's unread bytes.
struct ReceivedLine {
    /// The line without its ending.
    let content: ArraySlice<UInt8>
    /// Bytes to consume: the line and its ending.
    let length: Int
    /// True when a CRLF line was ended by a bare LF.
    let bareLF: Bool

    /// The text to match against; nil for invalid UTF-8, which no step accepts.
    var text: String? { String(validating: content, as: UTF8.self) }

    /// The line as a transcript shows it: `S: text`, noting how it is odd.
    func display(prefix: String) -> String {
        let (shown, escaped) = ByteEscapes.displayLine(content)
        var line = prefix + "S: " + shown
        if escaped { line += "   (shown escaped: not printable UTF-8)" }
        if bareLF { line += "   (ended by a bare LF, not CRLF)" }
        return line
    }

    /// The first line of `bytes`, or nil while no line ending has arrived.
    static func first(in bytes: ArraySlice<UInt8>, ending: LineEnding) -> ReceivedLine? {
        guard let newline = bytes.firstIndex(of: 10) else { return nil }
        let length = newline + 1 - bytes.startIndex
        if ending == .lf {
            return ReceivedLine(content: bytes[bytes.startIndex..<newline], length: length, bareLF: false)
        }
        let hasCR = newline > bytes.startIndex && bytes[newline - 1] == 13
        return ReceivedLine(content: bytes[bytes.startIndex..<(hasCR ? newline - 1 : newline)], length: length, bareLF: !hasCR)
    }
}
