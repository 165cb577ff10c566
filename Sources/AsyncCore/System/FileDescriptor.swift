import CSystem
import Glibc

/// An open file descriptor and the calls made on it: a small value, as
/// swift-system's.
///
/// Copying it copies the number, not the open file; whoever opened it closes
/// it once. Every call retries `EINTR`, and failures are ``SystemError``s
/// that name the path where one is known.
/// ```swift
/// let file = try FileDescriptor.open("/tmp/note", .writeOnly, options: [.create, .truncate], permissions: 0o600)
/// try file.writeAll(Array("hello\n".utf8))
/// try file.fsync()
/// try file.close()
/// try FileDescriptor.rename("/tmp/note", to: "/tmp/note.txt")
/// ```
public struct FileDescriptor: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The descriptor number.
    public let rawValue: Int32

    /// Wraps a descriptor number; nothing is opened or checked.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Descriptor 0.
    public static let standardInput = FileDescriptor(rawValue: 0)
    /// Descriptor 1.
    public static let standardOutput = FileDescriptor(rawValue: 1)
    /// Descriptor 2.
    public static let standardError = FileDescriptor(rawValue: 2)

    public var description: String { "file descriptor \(rawValue)" }

    /// Opens `path`, close-on-exec. `permissions` apply to a file that
    /// `.create` makes (less the process's umask). The corresponding C
    /// function is `open`.
    /// - Throws: ``SystemError`` with call `.open` and the path.
    public static func open(
        _ path: String, _ mode: AccessMode, options: OpenOptions = [], permissions: UInt32 = 0o666
    ) throws(SystemError) -> FileDescriptor {
        let flags = mode.rawValue | options.rawValue | O_CLOEXEC
        return FileDescriptor(rawValue: try Syscall.retrying(.open, path: path) { Glibc.open(path, flags, mode_t(permissions)) })
    }

    /// Reads what is there, up to `buffer.count` bytes, waiting for it on a
    /// blocking descriptor. Returns the byte count, 0 at end of file. The
    /// corresponding C function is `read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try Syscall.retrying(.read) { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes what the descriptor takes now; returns the byte count. The
    /// corresponding C function is `write`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        try Syscall.retrying(.write) { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }
    }

    /// Writes all of `bytes`, in as many calls as it takes. The corresponding
    /// C function is `write`.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            offset += try write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    /// Writes all of `bytes`; see ``writeAll(_:)-(UnsafeRawBufferPointer)``.
    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try writeAll(raw) } }.get()
    }

    /// Reads without waiting: the byte count, 0 at end of file, nil when
    /// nothing is there yet (`EAGAIN`).
    func readIfReady(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        try Syscall.nonBlocking(.read) { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes without waiting: the byte count, or nil when the descriptor takes nothing now.
    func writeIfReady(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        try Syscall.nonBlocking(.write) { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }
    }

    /// Writes several buffers without waiting: the byte count, or nil when
    /// the descriptor takes nothing now.
    func writeIfReady(vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int? {
        try Syscall.nonBlocking(.writev) { writev(rawValue, vectors.baseAddress, Int32(vectors.count)) }
    }

    /// Flushes the file's data and metadata to the device; for a directory,
    /// its entries. The corresponding C function is `fsync`.
    public func fsync() throws(SystemError) {
        _ = try Syscall.retrying(.fsync) { Glibc.fsync(rawValue) }
    }

    /// Closes the descriptor. Linux releases it even when the call fails, so
    /// it is never retried, and `EINTR` counts as closed. The corresponding C
    /// function is `close`.
    /// - Throws: ``SystemError`` with call `.close`, for example `EIO` when
    ///   data written earlier could not be stored.
    public func close() throws(SystemError) {
        guard Glibc.close(rawValue) != 0 else { return }
        let error = Errno.current
        if error != .interrupted { throw SystemError(.close, errno: error) }
    }

    /// A new close-on-exec descriptor for the same open file. The
    /// corresponding C function is `fcntl` (`F_DUPFD_CLOEXEC`).
    public func duplicate() throws(SystemError) -> FileDescriptor {
        FileDescriptor(rawValue: try Syscall.retrying(.dup) { fcntl(rawValue, F_DUPFD_CLOEXEC, 0) })
    }

    /// Makes reads and writes answer `EAGAIN` instead of waiting. The flag
    /// belongs to the open file, so every descriptor for it changes. The
    /// corresponding C function is `fcntl` (`O_NONBLOCK`).
    public func setNonBlocking() throws(SystemError) {
        try Syscall.setNonBlocking(rawValue)
    }

    /// A pipe: bytes written to `writeEnd` are read from `readEnd`. Both are
    /// close-on-exec. The corresponding C function is `pipe2`.
    public static func pipe() throws(SystemError) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        var ends: [Int32] = [-1, -1]
        _ = try Syscall.retrying(.pipe) { pipe2(&ends, O_CLOEXEC) }
        return (FileDescriptor(rawValue: ends[0]), FileDescriptor(rawValue: ends[1]))
    }

    /// Renames `path` to `newPath`, replacing a file there atomically. The
    /// corresponding C function is `rename`.
    /// - Throws: ``SystemError`` with call `.rename` and `path`.
    public static func rename(_ path: String, to newPath: String) throws(SystemError) {
        _ = try Syscall.retrying(.rename, path: path) { Glibc.rename(path, newPath) }
    }

    /// Removes the file at `path`. The corresponding C function is `unlink`.
    /// - Throws: ``SystemError`` with call `.unlink` and `path`.
    public static func remove(_ path: String) throws(SystemError) {
        _ = try Syscall.retrying(.unlink, path: path) { unlink(path) }
    }

    /// Makes a directory at `path`; a directory already there is fine. The
    /// corresponding C function is `mkdir`.
    /// - Throws: ``SystemError`` with call `.mkdir` and `path`, including
    ///   `EEXIST` when something other than a directory is there.
    public static func makeDirectory(_ path: String, permissions: UInt32 = 0o777) throws(SystemError) {
        guard mkdir(path, mode_t(permissions)) != 0 else { return }
        let error = Errno.current
        var status = stat()
        guard error == .fileExists, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw SystemError(.mkdir, errno: error, path: path)
        }
    }
}
