import AsyncCore
import SMTP

/// The `--auth-file`: `user:password` lines, read once at start-up.
enum PasswordFile {
    /// - Throws: `SystemError` naming the file when it cannot be read;
    ///   ``PasswordFileError`` for a malformed line (never its password).
    static func read(_ path: String) throws -> SMTPPasswordTable {
        let file = try FileDescriptor.open(path, .readOnly)
        defer { try? file.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try chunk.withUnsafeMutableBytes { raw in try file.read(into: raw) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
            guard bytes.count <= 1 << 20 else { throw PasswordFileError(path: path, reason: "larger than 1 MiB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw PasswordFileError(path: path, reason: "not UTF-8") }
        do {
            return try SMTPPasswordTable(parsing: text)
        } catch {
            throw PasswordFileError(path: path, reason: "\(error)")
        }
    }
}

/// An `--auth-file` that cannot be used.
struct PasswordFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    var description: String { "cannot use the AUTH file \(path): \(reason)" }
}
