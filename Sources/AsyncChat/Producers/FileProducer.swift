import AsyncCore
import Glibc

/// Streams a file in chunks, opened now and closed when exhausted.
///
/// ```swift
/// channel.push(producer: try FileProducer(path: "/var/www/index.html"))
/// channel.closeWhenDone()
/// ```
/// Reads are ordinary blocking reads of a local file, one chunk at a time,
/// and only when the socket has room for more.
public final class FileProducer: Producer {
    private var descriptor: Int32
    private let chunkSize: Int
    /// The read error that ended the file early, if one did.
    public private(set) var readError: SystemError?

    /// Opens `path` for reading.
    /// - Throws: ``SystemError`` with call `.open` when the file cannot be opened.
    public init(path: String, chunkSize: Int = 65536) throws(SystemError) {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(.open, errno: errno) }
        self.descriptor = descriptor
        self.chunkSize = max(1, chunkSize)
    }

    deinit {
        finish()
    }

    public func more() -> [UInt8]? {
        guard descriptor >= 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var count = -1
        while count < 0 {
            count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno != EINTR {
                readError = SystemError(.read, errno: errno)
                break
            }
        }
        guard count > 0 else {
            finish()
            return nil
        }
        chunk.removeLast(chunkSize - count)
        return chunk
    }

    private func finish() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}
