import Glibc

/// The file system calls of Maildir delivery, each retried on EINTR and
/// failing with a ``MaildirError`` that names the call and the path: the one
/// place the Maildir code touches `errno`.
enum MaildirDisk {
    /// Creates `path` for writing; nil when it exists already.
    static func create(_ path: String) throws(MaildirError) -> Int32? {
        while true {
            let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { return descriptor }
            switch errno {
            case EINTR: continue
            case EEXIST: return nil
            case let error: throw MaildirError(operation: "open", path: path, errno: error)
            }
        }
    }

    static func openDirectory(_ path: String) throws(MaildirError) -> Int32 {
        while true {
            let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
            guard errno == EINTR else { throw MaildirError(operation: "open", path: path, errno: errno) }
        }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(MaildirError) {
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

    static func sync(_ descriptor: Int32, path: String) throws(MaildirError) {
        while fsync(descriptor) != 0 {
            guard errno == EINTR else { throw MaildirError(operation: "fsync", path: path, errno: errno) }
        }
    }

    /// Closes `descriptor`; Linux releases it even when close fails, so it is never retried.
    static func close(_ descriptor: Int32, path: String) throws(MaildirError) {
        guard Glibc.close(descriptor) == 0 || errno == EINTR else {
            throw MaildirError(operation: "close", path: path, errno: errno)
        }
    }

    static func rename(_ from: String, to: String) throws(MaildirError) {
        guard Glibc.rename(from, to) == 0 else { throw MaildirError(operation: "rename", path: from, errno: errno) }
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Makes the directory `path`, or accepts one that is there.
    static func makeDirectory(_ path: String) throws(MaildirError) {
        guard mkdir(path, 0o700) != 0 else { return }
        let error = errno
        var status = stat()
        guard error == EEXIST, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw MaildirError(operation: "mkdir", path: path, errno: error)
        }
    }

    /// Seconds since the epoch, for file names.
    static func now() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec
    }

    static var processID: Int32 { getpid() }
}
