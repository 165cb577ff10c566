import AsyncCore
import Glibc

/// The path of a Unix-domain socket to listen on.
enum UnixSocketPath {
    /// Removes a socket file left at `path` by an earlier run, which would
    /// make `bind` fail; anything else there is kept (and `bind` reports it).
    static func replaceStaleSocket(at path: String) {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK { try? FileDescriptor.remove(path) }
    }
}
