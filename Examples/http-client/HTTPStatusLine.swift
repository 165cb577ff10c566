/// The status line at the head of a response (`HTTP/1.0 404 Not Found`),
/// read as the bytes arrive, whatever their split.
struct HTTPStatusLine {
    /// The status code, once a well-formed status line has arrived.
    private(set) var code: Int?
    /// The reason phrase after the code (`Not Found`), possibly empty.
    private(set) var reason = ""
    /// The code and the reason, as a log line shows them: `404 Not Found`.
    var summary: String { (code.map(String.init) ?? "") + (reason.isEmpty ? "" : " " + reason) }
    private var head: [UInt8] = []
    private var complete = false

    /// A status line is short; a longer first line is no status line.
    private static let limit = 1024

    /// Takes the next bytes of the response; only its first line is kept.
    mutating func take(_ bytes: [UInt8]) {
        guard !complete else { return }
        let end = bytes.firstIndex(of: 10)
        head += bytes[..<(end ?? bytes.endIndex)].prefix(Self.limit + 1 - head.count)
        guard end != nil || head.count > Self.limit else { return }
        complete = true
        parse()
    }

    /// `HTTP/d.d SP ddd [SP reason] [CR]`.
    private mutating func parse() {
        var line = head
        if line.last == 13 { line.removeLast() }
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(parts[1]) else { return }
        code = number
        reason = parts.count > 2 ? String(parts[2]) : ""
    }
}
