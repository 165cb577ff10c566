import Glibc
import Synchronization

/// Stores each message as a file of a Maildir, crash-safely, and replies
/// 250 only once it is on disk.
///
/// ```swift
/// let handler = try MaildirHandler(directory: "/var/mail/sink")   // makes cur/, new/, tmp/
/// let server = try SMTPServer(handler: handler, loop: loop)
/// ```
/// Each message is written to `tmp/`, flushed with `fsync`, renamed into
/// `new/`, and `new/` itself is flushed, so after a crash a message is
/// either fully in `new/` or not there (at worst a stray file in `tmp/`).
/// One file per message, however many recipients. Files are named
/// `seconds.pid_sequence.hostname` and hold the content with LF line ends
/// (each CRLF becomes LF), as Maildir readers expect.
///
/// The writes are blocking file I/O on the event loop's thread: every
/// session of the loop waits while a message is stored. That is fine for a
/// local disk (an `fsync` costs milliseconds), not for a network file system.
/// A message that cannot be stored is answered
/// ``SMTPReply/localError`` (451), so the client keeps it and retries.
public final class MaildirHandler: SMTPDeliveryHandler {
    /// The Maildir's root directory.
    public let directory: String
    private let hostname: String
    private let newDirectory: Int32
    private static let sequence = Atomic<UInt64>(0)

    /// Opens the Maildir at `directory`, making it and its `cur`, `new` and
    /// `tmp` folders (and missing parents) as needed.
    /// - Throws: ``MaildirError`` when a folder cannot be made or opened.
    public init(directory: String, hostname: String = SMTPConfiguration.systemHostname()) throws(MaildirError) {
        self.directory = directory
        self.hostname = MaildirHandler.safeName(hostname)
        try MaildirHandler.makeDirectories(directory)
        for folder in ["cur", "new", "tmp"] { try MaildirHandler.makeDirectory(directory + "/" + folder) }
        let path = directory + "/new"
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MaildirError(operation: "open", path: path, errno: errno) }
        newDirectory = descriptor
    }

    deinit {
        _ = Glibc.close(newDirectory)
    }

    public func deliver(_ message: SMTPMessage) -> SMTPReply {
        do {
            _ = try store { descriptor, path throws(MaildirError) in
                try MaildirHandler.writeWithLFLineEnds(message, to: descriptor, path: path)
            }
            return .ok
        } catch {
            return .localError
        }
    }

    /// Stores `content` as a new message, exactly as given.
    /// - Returns: the file's name in `new/`.
    /// - Throws: ``MaildirError``; nothing is left in `new/` then.
    @discardableResult
    public func store(_ content: [UInt8]) throws(MaildirError) -> String {
        try store { descriptor, path throws(MaildirError) in
            try content.withUnsafeBufferPointer { bytes throws(MaildirError) in
                try MaildirHandler.writeAll(UnsafeRawBufferPointer(bytes), to: descriptor, path: path)
            }
        }
    }

    /// Makes a file in `tmp/`, has `write` fill it (given its descriptor and
    /// path), flushes it and moves it into `new/`; returns its name.
    private func store(writing write: (Int32, String) throws(MaildirError) -> Void) throws(MaildirError) -> String {
        var created: (name: String, descriptor: Int32)?
        for _ in 0..<100 {
            let name = uniqueName()
            let descriptor = Glibc.open(directory + "/tmp/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                created = (name, descriptor)
                break
            }
            guard errno == EEXIST else { throw MaildirError(operation: "open", path: directory + "/tmp/" + name, errno: errno) }
        }
        guard let (name, descriptor) = created else {
            throw MaildirError(operation: "open", path: directory + "/tmp", errno: EEXIST)
        }
        let temporary = directory + "/tmp/" + name
        var open = true
        do throws(MaildirError) {
            try write(descriptor, temporary)
            guard fsync(descriptor) == 0 else { throw MaildirError(operation: "fsync", path: temporary, errno: errno) }
            // Linux releases the descriptor even when close fails.
            open = false
            guard Glibc.close(descriptor) == 0 || errno == EINTR else {
                throw MaildirError(operation: "close", path: temporary, errno: errno)
            }
            guard rename(temporary, directory + "/new/" + name) == 0 else {
                throw MaildirError(operation: "rename", path: temporary, errno: errno)
            }
        } catch {
            if open { _ = Glibc.close(descriptor) }
            _ = unlink(temporary)
            throw error
        }
        guard fsync(newDirectory) == 0 else { throw MaildirError(operation: "fsync", path: directory + "/new", errno: errno) }
        return name
    }

    /// `seconds.pid_sequence.hostname`: unique within the process by the
    /// sequence, across processes by the pid, across machines by the name.
    private func uniqueName() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let sequence = MaildirHandler.sequence.add(1, ordering: .relaxed).newValue
        return "\(now.tv_sec).\(getpid())_\(sequence).\(hostname)"
    }

    /// Writes the message with LF line ends through a 64 KiB buffer: a
    /// second copy of a large message would cost page faults on every
    /// delivery, a small buffer stays in the cache.
    private static func writeWithLFLineEnds(_ message: SMTPMessage, to descriptor: Int32, path: String) throws(MaildirError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var used = 0
        try message.forEachRunWithLFLineEnds { run throws(MaildirError) in
            if used + run.count > buffer.count {
                try writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<used]), to: descriptor, path: path)
                used = 0
            }
            if run.count >= buffer.count {
                try writeAll(run, to: descriptor, path: path)
            } else {
                UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(from: run)
                used += run.count
            }
        }
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<used]), to: descriptor, path: path)
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(MaildirError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw MaildirError(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    private static func makeDirectories(_ path: String) throws(MaildirError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            try makeDirectory(prefix)
            prefix += "/"
        }
    }

    private static func makeDirectory(_ path: String) throws(MaildirError) {
        guard mkdir(path, 0o700) != 0 else { return }
        let error = errno
        var status = stat()
        guard error == EEXIST, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw MaildirError(operation: "mkdir", path: path, errno: error)
        }
    }

    /// The Maildir convention for `/` and `:` in the host name part.
    private static func safeName(_ hostname: String) -> String {
        hostname.replacing("/", with: "\\057").replacing(":", with: "\\072")
    }
}
