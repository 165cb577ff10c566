import AsyncCore

/// A client of a line protocol over a ``LocalPeer``: sends lines with CRLF
/// and reads them back one at a time, every wait under a deadline.
final class LineClient {
    let peer: LocalPeer
    private var buffer: [UInt8] = []

    init(_ peer: LocalPeer) {
        self.peer = peer
    }

    /// Sends `text` and CRLF; false if the server stopped taking bytes in time.
    @discardableResult
    func send(_ text: String) throws -> Bool {
        try peer.sendAll(Array((text + "\r\n").utf8))
    }

    /// The next line without its CRLF; nil when the connection ends or
    /// nothing complete arrives in time.
    func readLine() throws -> String? {
        if buffer.firstIndex(of: 10) == nil {
            buffer += try peer.receive { $0.contains(10) }
        }
        guard let newline = buffer.firstIndex(of: 10) else { return nil }
        var line = buffer[..<newline]
        if line.last == 13 { line = line.dropLast() }
        buffer.removeFirst(newline + 1)
        return String(decoding: line, as: UTF8.self)
    }

    /// Lines until the server closes the connection (or `limit` passes).
    func readToEnd() throws -> [String] {
        buffer += try peer.receive { _ in false }
        defer { buffer = [] }
        return String(decoding: buffer, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
