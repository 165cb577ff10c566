/// One SMTP experiment decoded from a fuzz input: a server configuration,
/// how each line is cut into `receive` calls, and the client's byte stream.
///
/// Input layout (missing bytes read as 0):
/// ```
/// config     bits 0-1 maxMessageSize: default, none, small (size % 64), Int.max
///            bit 2 SMTPUTF8, bit 3 decodeData (without SMTPUTF8)
///            bits 4-5 maxCommandLength: default, small (16 + length % 48), 1, Int.max
///            bit 6 maxRecipients 1...3, bit 7 maxErrors 2 (else none)
/// size       see above
/// length     see above
/// pieces     0: each line in one piece; else pieces of 1 + pieces % 8 bytes
/// stream...  the client's bytes; CRLF ends a line, a last line without one
///            is received but never ended
/// ```
struct SMTPFuzzCase: CustomStringConvertible {
    var configuration = SMTPConfiguration(hostname: "mx.test")
    var pieceLength: Int?
    var lines: [[UInt8]] = []
    /// The bytes after the last CRLF.
    var unterminated: [UInt8] = []

    init(decoding input: inout FuzzBytes) {
        let config = input.byte()
        let size = input.byte()
        let length = input.byte()
        let pieces = input.byte()
        switch config & 3 {
        case 1: configuration.maxMessageSize = nil
        case 2: configuration.maxMessageSize = Int(size % 64)
        case 3: configuration.maxMessageSize = .max
        default: break
        }
        if config & 4 != 0 {
            configuration.enableSMTPUTF8 = true
        } else if config & 8 != 0 {
            configuration.decodeData = true
        }
        switch (config >> 4) & 3 {
        case 1: configuration.maxCommandLength = 16 + Int(length % 48)
        case 2: configuration.maxCommandLength = 1
        case 3: configuration.maxCommandLength = .max
        default: break
        }
        if config & 64 != 0 { configuration.maxRecipients = 1 + Int(size % 3) }
        configuration.maxErrors = config & 128 != 0 ? 2 : nil
        pieceLength = pieces == 0 ? nil : 1 + Int(pieces % 8)

        var stream = input.rest()
        while let end = SMTPFuzzCase.lineEnd(in: stream) {
            lines.append(Array(stream[..<end]))
            stream = stream[(end + 2)...]
        }
        unterminated = Array(stream)
    }

    /// The bytes of `line` as the session receives them, in order.
    func pieces(of line: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let pieceLength, !line.isEmpty else { return line.isEmpty ? [] : [line[...]] }
        return stride(from: 0, to: line.count, by: pieceLength).map { line[$0..<min($0 + pieceLength, line.count)] }
    }

    private static func lineEnd(in stream: ArraySlice<UInt8>) -> Int? {
        var index = stream.startIndex
        while index + 1 < stream.endIndex {
            if stream[index] == 13, stream[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    var description: String {
        let size = configuration.maxMessageSize.map(String.init) ?? "none"
        return "maxMessageSize \(size), maxCommandLength \(configuration.maxCommandLength), "
            + "maxRecipients \(configuration.maxRecipients.map(String.init) ?? "none"), "
            + "maxErrors \(configuration.maxErrors.map(String.init) ?? "none"), SMTPUTF8 \(configuration.enableSMTPUTF8), "
            + "decodeData \(configuration.decodeData), pieces of \(pieceLength.map(String.init) ?? "a whole line")\n"
            + "lines: " + lines.map(escaped).joined(separator: " ") + " then " + escaped(unterminated)
    }
}
