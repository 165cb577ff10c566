import Glibc

/// A new, empty directory of its own under `$TMPDIR` (or `/tmp`), removed
/// with everything in it by ``remove()`` or, at the latest, when the object
/// goes away.
///
/// Call ``remove()`` in a `defer`: that also keeps the object alive until the
/// test is done with the path (Swift may release an object after its last use).
///
///     let directory = try TemporaryDirectory()
///     defer { directory.remove() }
///     let script = try directory.write(Array("S: 220 ready\n".utf8), to: "session.txt")
public final class TemporaryDirectory {
    public let path: String
    private var removed = false

    public init() throws(SystemCallFailure) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/swift-asyncore-tests-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemCallFailure(call: "mkdtemp", path: base, errno: errno) }
        path = String(cString: made)
    }

    deinit {
        remove()
    }

    /// Removes the directory and everything in it; later calls do nothing.
    public func remove() {
        guard !removed else { return }
        removed = true
        Self.removeTree(path)
    }

    /// Creates the file `name` holding `contents`; returns its path.
    @discardableResult
    public func write(_ contents: [UInt8], to name: String) throws(SystemCallFailure) -> String {
        let file = path + "/" + name
        let descriptor = Glibc.open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallFailure(call: "open", path: file, errno: errno) }
        defer { _ = Glibc.close(descriptor) }
        var offset = 0
        while offset < contents.count {
            let written = contents.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno != EINTR { throw SystemCallFailure(call: "write", path: file, errno: errno) }
            offset += max(written, 0)
        }
        return file
    }

    /// Opens the file `name` with `flags` (close-on-exec added); the caller
    /// closes the descriptor.
    public func open(_ name: String, _ flags: Int32) throws(SystemCallFailure) -> Int32 {
        let file = path + "/" + name
        let descriptor = Glibc.open(file, flags | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallFailure(call: "open", path: file, errno: errno) }
        return descriptor
    }

    /// The contents of the file `name`.
    public func read(_ name: String) throws(SystemCallFailure) -> [UInt8] {
        let descriptor = try open(name, O_RDONLY)
        defer { _ = Glibc.close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count > 0 {
                contents += chunk[0..<count]
            } else if errno != EINTR {
                throw SystemCallFailure(call: "read", path: path + "/" + name, errno: errno)
            }
        }
    }

    /// The names and contents of the files in the folder `name`, sorted by name.
    public func files(in folder: String) throws(SystemCallFailure) -> [(name: String, content: [UInt8])] {
        let names = try Self.entries(of: path + "/" + folder).sorted()
        var files: [(name: String, content: [UInt8])] = []
        for name in names { files.append((name, try read(folder + "/" + name))) }
        return files
    }

    /// The names in a directory, without `.` and `..`.
    private static func entries(of directory: String) throws(SystemCallFailure) -> [String] {
        guard let stream = opendir(directory) else { throw SystemCallFailure(call: "opendir", path: directory, errno: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `path`, and everything in it when it is a directory (without
    /// following symbolic links). Best effort: what cannot be removed stays.
    private static func removeTree(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            for name in (try? entries(of: path)) ?? [] { removeTree(path + "/" + name) }
            _ = rmdir(path)
        } else {
            _ = unlink(path)
        }
    }
}
