import AsyncCore
import Dispatch
import Glibc
import Synchronization

/// Stores each message once in a Maildir's `new/`, crash-safely, with its
/// envelope, and replies 250 only once it is on disk — without ever making
/// the event loop wait for the disk.
///
/// ```swift
/// let handler = try MaildirHandler(directory: "/var/mail/sink")   // makes cur/, new/, tmp/
/// let server = try SMTPServer(handler: handler, loop: loop)
/// ```
/// The Maildir is one mailbox: a message is stored once, however many
/// recipients it has, and starts with its envelope so every recipient shows,
/// Bcc ones too, then the server's trace header, then the content with LF
/// line ends (each CRLF becomes LF), as Maildir readers expect:
/// ```
/// Return-Path: <alice@example.org>
/// Delivered-To: bob@example.com
/// Delivered-To: secret@example.com
/// Received: from client.example (unknown [192.0.2.1])
/// 	by mx.example.com (SwiftAsyncore) with ESMTP id 5E1F3A000001; Mon, 7 Dec 2026 03:00:11 +0000
/// Subject: hello
/// ```
/// The content streams to a small pool of writer threads as it arrives, so a
/// 32 MiB message is never whole in memory. Each file is written to `tmp/`,
/// flushed with `fsync`, renamed into `new/`, and `new/` is flushed: after a
/// crash a message is either fully in `new/` or not there (at worst a stray
/// file in `tmp/`). Messages that finish together share one flush of `new/`
/// (group commit), so many sessions store far more per second than one. When
/// the writers fall more than `maxBufferedBytes` behind, sessions stop
/// reading until they catch up. A message that cannot be stored is answered
/// ``SMTPReply/localError`` (451), so the client keeps it and retries, and
/// the server goes on. Files are named `seconds.pid_sequence.hostname`.
public final class MaildirHandler: SMTPHandler {
    /// The Maildir's root directory.
    public let directory: String
    private let hostname: String
    private let writer: MaildirWriter
    private let newDirectory: FileDescriptor
    /// The messages being received, by queue ID. Loop-confined, as hooks are.
    private var deliveries: [String: MaildirDelivery] = [:]
    private static let sequence = Atomic<UInt64>(0)
    /// Content is handed to the writers in pieces of about this size.
    private static let pieceSize = 256 << 10

    /// Opens the Maildir at `directory`, making it and its `cur`, `new` and
    /// `tmp` folders (and missing parents) as needed, with `writers` writer
    /// threads that may fall `maxBufferedBytes` behind the sessions.
    /// - Throws: `SystemError` naming the folder that cannot be made or opened.
    public init(
        directory: String, hostname: String = SMTPConfiguration.systemHostname(), writers: Int = 16,
        maxBufferedBytes: Int = 16 << 20
    ) throws(SystemError) {
        self.directory = directory
        self.hostname = MaildirHandler.safeName(hostname)
        try MaildirHandler.makeDirectories(directory)
        for folder in ["cur", "new", "tmp"] { try FileDescriptor.makeDirectory(directory + "/" + folder, permissions: 0o700) }
        newDirectory = try FileDescriptor.open(directory + "/new", .readOnly, options: .directory)
        writer = MaildirWriter(directory: directory, newDirectory: newDirectory, writers: writers, maxBufferedBytes: maxBufferedBytes)
    }

    deinit {
        let writer = self.writer
        let newDirectory = self.newDirectory
        // Files still being written keep their writers busy; close `new/` after them.
        DispatchQueue.global().async {
            writer.drain()
            try? newDirectory.close()
        }
    }

    /// The content streams to the writers; none is kept in the message.
    public var keepsContent: Bool { false }

    public func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) {
        let delivery = deliveries[transaction.queueID] ?? start(transaction)
        delivery.addWithLFLineEnds(piece)
        guard delivery.pending.count >= MaildirHandler.pieceSize else {
            answer(.accept)
            return
        }
        writer.append(delivery.takePending(), to: delivery.file, on: delivery.queue, answer: answer)
    }

    public func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
        let delivery = deliveries.removeValue(forKey: message.queueID) ?? start(message.transaction)
        delivery.addWithLFLineEnds(message.data[...])
        delivery.finishLine()
        writer.finish(delivery.file, with: delivery.takePending(), on: delivery.queue, answer: answer)
    }

    public func abandon(_ transaction: SMTPTransaction) {
        guard let delivery = deliveries.removeValue(forKey: transaction.queueID) else { return }
        writer.discard(delivery.file, on: delivery.queue)
    }

    /// Stores `message` at once, on the calling thread, which waits for the
    /// disk: for programs that are not servers. ``SMTPReply/ok`` once it is
    /// durable, ``SMTPReply/localError`` when it could not be stored.
    public func deliver(_ message: SMTPMessage) -> SMTPReply {
        let delivery = MaildirDelivery(file: newFile(), queue: writer.queue(), header: MaildirHandler.envelope(of: message.transaction))
        delivery.addWithLFLineEnds(message.data[...])
        delivery.finishLine()
        return (try? store(delivery.takePending(), in: delivery.file)) != nil ? .ok : .localError
    }

    /// Stores `content` as a new message, exactly as given, on the calling
    /// thread, which waits for the disk.
    /// - Returns: the file's name in `new/`.
    /// - Throws: `SystemError` naming the file or folder; nothing is left in `new/` then.
    @discardableResult
    public func store(_ content: [UInt8]) throws(SystemError) -> String {
        try store(content, in: newFile())
    }

    private func store(_ content: [UInt8], in file: MaildirFile) throws(SystemError) -> String {
        content.withUnsafeBytes { file.append($0) }
        if let failure = file.finish() { throw failure }
        do throws(SystemError) {
            try FileDescriptor.rename(file.temporaryPath, to: file.finalPath)
            do throws(SystemError) {
                try newDirectory.fsync()
            } catch {
                throw error.naming(directory + "/new")
            }
        } catch {
            try? FileDescriptor.remove(file.finalPath)
            file.discard()
            throw error
        }
        return file.name
    }

    private func start(_ transaction: SMTPTransaction) -> MaildirDelivery {
        let delivery = MaildirDelivery(file: newFile(), queue: writer.queue(), header: MaildirHandler.envelope(of: transaction))
        deliveries[transaction.queueID] = delivery
        return delivery
    }

    private func newFile() -> MaildirFile {
        let hostname = self.hostname
        return MaildirFile(directory: directory) {
            // Unique within the process by the sequence, across processes by
            // the pid, across machines by the name.
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let sequence = MaildirHandler.sequence.add(1, ordering: .relaxed).newValue
            return "\(now.tv_sec).\(getpid())_\(sequence).\(hostname)"
        }
    }

    /// `Return-Path:`, a `Delivered-To:` per recipient, and `Received:`, with CRLF line ends.
    static func envelope(of transaction: SMTPTransaction) -> [UInt8] {
        var header = "Return-Path: <\(transaction.mailFrom)>\r\n"
        for recipient in transaction.recipients { header += "Delivered-To: \(recipient)\r\n" }
        header += transaction.receivedHeader
        return Array(header.utf8)
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
