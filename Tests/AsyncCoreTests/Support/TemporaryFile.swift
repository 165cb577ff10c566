import AsyncCore
import Glibc

/// A file under /tmp holding `contents`, removed by ``remove()``.
struct TemporaryFile {
    let path: String

    init(contents: [UInt8]) throws {
        var template = Array("/tmp/asyncore-test-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SystemError(.open, errno: Errno(rawValue: errno)) }
        defer { _ = Glibc.close(descriptor) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        try writeAll(descriptor, contents)
    }

    /// Opens the file with `flags`; the caller closes the descriptor.
    func open(_ flags: Int32) throws -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(.open, errno: Errno(rawValue: errno)) }
        return descriptor
    }

    func contents() throws -> [UInt8] {
        let descriptor = try open(O_RDONLY)
        defer { _ = Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw SystemError(.read, errno: Errno(rawValue: errno)) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    func remove() {
        _ = unlink(path)
    }
}

/// A close-on-exec pipe: (read end, write end).
func makePipe() throws -> (Int32, Int32) {
    let (readEnd, writeEnd) = try FileDescriptor.pipe()
    return (readEnd.rawValue, writeEnd.rawValue)
}
