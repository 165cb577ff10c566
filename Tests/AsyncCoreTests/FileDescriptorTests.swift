import AsyncCore
import Glibc
import Testing

/// `FileDescriptor`: the calls Maildir storage, file producers, transcripts
/// and the examples' console make, and the errors they report.
@Suite("File descriptors")
struct FileDescriptorTests {
    /// A fresh directory under /tmp, removed with everything in it.
    private struct Scratch: ~Copyable {
        let path: String

        init() throws {
            var template = Array("/tmp/asyncore-fd-XXXXXX".utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                throw SystemError(.mkdir, errno: Errno(rawValue: errno), path: "/tmp")
            }
            path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }

        deinit {
            if let folder = opendir(path) {
                while let entry = readdir(folder) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                    if name != ".", name != ".." { _ = unlink(path + "/" + name); _ = rmdir(path + "/" + name) }
                }
                closedir(folder)
            }
            _ = rmdir(path)
        }
    }

    private static func readAll(_ file: FileDescriptor) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 7)
        while true {
            let count = try chunk.withUnsafeMutableBytes { raw in try file.read(into: raw) }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    @Test func writtenBytesReadBackAfterFsyncCloseAndRename() throws {
        let scratch = try Scratch()
        let content = Array("It's not dead, it's sleeping!\n".utf8)
        let writer = try FileDescriptor.open(scratch.path + "/tmp", .writeOnly, options: [.create, .exclusiveCreate], permissions: 0o600)
        try writer.writeAll(content)
        try writer.fsync()
        try writer.close()
        try FileDescriptor.rename(scratch.path + "/tmp", to: scratch.path + "/new")

        let reader = try FileDescriptor.open(scratch.path + "/new", .readOnly)
        defer { try? reader.close() }
        #expect(try Self.readAll(reader) == content)
        var status = stat()
        #expect(stat(scratch.path + "/new", &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(fcntl(reader.rawValue, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func failuresNameTheCallThePathAndTheErrno() throws {
        let scratch = try Scratch()
        let missing = scratch.path + "/missing"
        #expect(throws: SystemError(.open, errno: .noSuchFileOrDirectory, path: missing)) {
            try FileDescriptor.open(missing, .readOnly)
        }
        let file = try FileDescriptor.open(scratch.path + "/file", .writeOnly, options: .create)
        try file.close()
        #expect(throws: SystemError(.open, errno: .fileExists, path: scratch.path + "/file")) {
            try FileDescriptor.open(scratch.path + "/file", .writeOnly, options: [.create, .exclusiveCreate])
        }
        #expect(throws: SystemError(.open, errno: .notDirectory, path: scratch.path + "/file")) {
            try FileDescriptor.open(scratch.path + "/file", .readOnly, options: .directory)
        }
        #expect(throws: SystemError(.rename, errno: .noSuchFileOrDirectory, path: missing)) {
            try FileDescriptor.rename(missing, to: scratch.path + "/elsewhere")
        }
        #expect(throws: SystemError(.unlink, errno: .noSuchFileOrDirectory, path: missing)) {
            try FileDescriptor.remove(missing)
        }
        let error = SystemError(.open, errno: .noSuchFileOrDirectory, path: missing)
        #expect(error.description == "open \(missing) failed: No such file or directory (ENOENT)")
    }

    /// Not by closing a descriptor twice: tests run in parallel in one
    /// process, and the number may belong to another test's socket by then.
    @Test func closingADescriptorThatIsNotOpenFailsWithEBADF() throws {
        #expect(throws: SystemError(.close, errno: .badFileDescriptor)) { try FileDescriptor(rawValue: -1).close() }
    }

    @Test func makeDirectoryAcceptsAnExistingDirectoryButNotAFile() throws {
        let scratch = try Scratch()
        try FileDescriptor.makeDirectory(scratch.path + "/new", permissions: 0o700)
        try FileDescriptor.makeDirectory(scratch.path + "/new", permissions: 0o700)
        let folder = try FileDescriptor.open(scratch.path + "/new", .readOnly, options: .directory)
        try folder.fsync()
        try folder.close()

        try FileDescriptor.open(scratch.path + "/file", .writeOnly, options: .create).close()
        #expect(throws: SystemError(.mkdir, errno: .fileExists, path: scratch.path + "/file")) {
            try FileDescriptor.makeDirectory(scratch.path + "/file")
        }
        #expect(throws: SystemError(.mkdir, errno: .noSuchFileOrDirectory, path: scratch.path + "/a/b")) {
            try FileDescriptor.makeDirectory(scratch.path + "/a/b")
        }
    }

    @Test func aPipeCarriesBytesAndEndsWhenTheWriterCloses() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close() }
        #expect(fcntl(readEnd.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(writeEnd.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        try writeEnd.writeAll(Array("spam and eggs".utf8))
        try writeEnd.close()
        #expect(try Self.readAll(readEnd) == Array("spam and eggs".utf8))
    }

    @Test func aNonBlockingEmptyPipeFailsTheReadWithEAGAIN() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close(); try? writeEnd.close() }
        try readEnd.setNonBlocking()
        #expect(fcntl(readEnd.rawValue, F_GETFL) & O_NONBLOCK != 0)
        var byte: UInt8 = 0
        #expect(throws: SystemError(.read, errno: .wouldBlock)) {
            _ = try withUnsafeMutableBytes(of: &byte) { try readEnd.read(into: $0) }
        }
    }

    @Test func aDuplicateIsANewCloseOnExecDescriptorForTheSameFile() throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close() }
        let copy = try writeEnd.duplicate()
        #expect(copy != writeEnd)
        #expect(fcntl(copy.rawValue, F_GETFD) & FD_CLOEXEC != 0)
        try writeEnd.close()
        try copy.writeAll(Array("through the copy".utf8))
        try copy.close()
        #expect(try Self.readAll(readEnd) == Array("through the copy".utf8))
    }

    @Test func writingToAPipeWithoutReaderFailsWithEPIPE() throws {
        // The write raises SIGPIPE at the writing thread: held blocked here
        // and taken back afterwards, so only the typed error remains.
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        try readEnd.close()
        var previous = sigset_t()
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        defer {
            var immediately = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeOnly, nil, &immediately)
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            try? writeEnd.close()
        }
        #expect(throws: SystemError(.write, errno: .brokenPipe)) { try writeEnd.writeAll([1, 2, 3]) }
    }
}
