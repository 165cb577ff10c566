import AsyncCore
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
    private let newDirectory: FileDescriptor
    private static let sequence = Atomic<UInt64>(0)

    /// Opens the Maildir at `directory`, making it and its `cur`, `new` and
    /// `tmp` folders (and missing parents) as needed.
    /// - Throws: `SystemError` naming the folder that cannot be made or opened.
    public init(directory: String, hostname: String = SMTPConfiguration.systemHostname()) throws(SystemError) {
        self.directory = directory
        self.hostname = MaildirHandler.safeName(hostname)
        try MaildirHandler.makeDirectories(directory)
        for folder in ["cur", "new", "tmp"] { try FileDescriptor.makeDirectory(directory + "/" + folder, permissions: 0o700) }
        newDirectory = try FileDescriptor.open(directory + "/new", .readOnly, options: .directory)
    }

    deinit {
        try? newDirectory.close()
    }

    public func deliver(_ message: SMTPMessage) -> SMTPReply {
        do {
            _ = try store { file throws(SystemError) in
                try MaildirHandler.writeWithLFLineEnds(message, to: file)
            }
            return .ok
        } catch {
            return .localError
        }
    }

    /// Stores `content` as a new message, exactly as given.
    /// - Returns: the file's name in `new/`.
    /// - Throws: `SystemError` naming the file or folder; nothing is left in `new/` then.
    @discardableResult
    public func store(_ content: [UInt8]) throws(SystemError) -> String {
        try store { file throws(SystemError) in try file.writeAll(content) }
    }

    /// Makes a file in `tmp/`, has `write` fill it, flushes it and moves it
    /// into `new/`; returns its name.
    private func store(writing write: (FileDescriptor) throws(SystemError) -> Void) throws(SystemError) -> String {
        var created: (name: String, file: FileDescriptor)?
        for _ in 0..<100 {
            let name = uniqueName()
            do {
                let file = try FileDescriptor.open(
                    directory + "/tmp/" + name, .writeOnly, options: [.create, .exclusiveCreate], permissions: 0o600
                )
                created = (name, file)
                break
            } catch where error.isExistingFile {
                continue
            }
        }
        guard let (name, file) = created else {
            throw SystemError(.open, errno: .fileExists, path: directory + "/tmp")
        }
        let temporary = directory + "/tmp/" + name
        var open = true
        do throws(SystemError) {
            do throws(SystemError) {
                try write(file)
                try file.fsync()
                open = false
                try file.close()
            } catch {
                throw error.naming(temporary)
            }
            try FileDescriptor.rename(temporary, to: directory + "/new/" + name)
        } catch {
            if open { try? file.close() }
            try? FileDescriptor.remove(temporary)
            throw error
        }
        do {
            try newDirectory.fsync()
        } catch {
            throw error.naming(directory + "/new")
        }
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
    private static func writeWithLFLineEnds(_ message: SMTPMessage, to file: FileDescriptor) throws(SystemError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var used = 0
        try message.forEachRunWithLFLineEnds { run throws(SystemError) in
            if used + run.count > buffer.count {
                try file.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<used]))
                used = 0
            }
            if run.count >= buffer.count {
                try file.writeAll(run)
            } else {
                UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(from: run)
                used += run.count
            }
        }
        try file.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<used]))
    }

    private static func makeDirectories(_ path: String) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            try FileDescriptor.makeDirectory(prefix, permissions: 0o700)
            prefix += "/"
        }
    }

    /// The Maildir convention for `/` and `:` in the host name part.
    private static func safeName(_ hostname: String) -> String {
        hostname.replacing("/", with: "\\057").replacing(":", with: "\\072")
    }
}
