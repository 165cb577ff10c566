import AsyncCore

/// Streams a file in chunks, opened now and closed when exhausted.
///
/// ```swift
/// channel.push(producer: try FileProducer(path: "/var/www/index.html"))
/// channel.closeWhenDone()
/// ```
/// Reads are ordinary blocking reads of a local file, one chunk at a time,
/// and only when the socket has room for more.
public final class FileProducer: Producer {
    private var file: FileDescriptor?
    private let path: String
    private let chunkSize: Int
    /// The read error that ended the file early, if one did; it names the path.
    public private(set) var readError: SystemError?

    /// Opens `path` for reading.
    /// - Throws: `SystemError` with call `.open` and the path when the file cannot be opened.
    public init(path: String, chunkSize: Int = 65536) throws(SystemError) {
        file = try FileDescriptor.open(path, .readOnly)
        self.path = path
        self.chunkSize = max(1, chunkSize)
    }

    deinit {
        finish()
    }

    public func more() -> [UInt8]? {
        guard let file else { return nil }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let read = chunk.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try file.read(into: raw) } }
        var count = 0
        switch read {
        case .success(let bytes): count = bytes
        case .failure(let error): readError = error.naming(path)
        }
        guard count > 0 else {
            finish()
            return nil
        }
        chunk.removeLast(chunkSize - count)
        return chunk
    }

    private func finish() {
        try? file?.close()
        file = nil
    }
}
