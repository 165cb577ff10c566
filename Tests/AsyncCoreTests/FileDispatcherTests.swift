import AsyncCore
import Glibc
import TestSupport
import Testing

/// `FileDispatcher` over regular files and pipes (test_asyncore's
/// FileWrapperTest, T-AC-13 to T-AC-17).
@Suite("File dispatcher")
struct FileDispatcherTests {
    private static let content = Array("It's not dead, it's sleeping!".utf8)

    /// Keeps every chunk it reads and counts its closes.
    final class FileReader: FileDispatcher {
        var chunks: [[UInt8]] = []
        var closes = 0
        var errors: [any Error] = []
        override func writable() -> Bool { false }
        override func handleRead() throws {
            let bytes = try recv(29)
            if !bytes.isEmpty { chunks.append(bytes) }
        }
        override func handleClose() { closes += 1; close() }
        override func handleError(_ error: any Error) { errors.append(error); close() }
    }

    @Test(arguments: PollerBackend.allCases)
    func readsThroughADuplicateSoTheCallerMayCloseItsDescriptor(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Self.content, to: "file")
        let descriptor = try directory.open("file", O_RDONLY)
        let dispatcher = try FileDispatcher(fileDescriptor: FileDescriptor(rawValue: descriptor), loop: loop)
        _ = Glibc.close(descriptor)

        #expect(dispatcher.descriptor != descriptor)
        #expect(fcntl(dispatcher.descriptor, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(dispatcher.descriptor, F_GETFD) & FD_CLOEXEC != 0)
        #expect(try dispatcher.recv(13) == Array("It's not dead".utf8))
        #expect(try dispatcher.recv(6) == Array(", it's".utf8))
        dispatcher.close()
        #expect(try dispatcher.recv(1).isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func sendAppendsToAWriteOnlyFile(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Self.content, to: "file")
        let descriptor = try directory.open("file", O_WRONLY | O_APPEND)
        let dispatcher = try FileDispatcher(fileDescriptor: FileDescriptor(rawValue: descriptor), loop: loop)
        _ = Glibc.close(descriptor)

        #expect(try dispatcher.send(Array("Come again?".utf8)) == 11)
        #expect(try dispatcher.send(Array("I want to buy some cheese.".utf8)) == 26)
        dispatcher.close()
        #expect(try directory.read("file") == Self.content + Array("Come again?I want to buy some cheese.".utf8))
    }

    @Test(arguments: PollerBackend.allCases)
    func aRegularFileIsReadToItsEndThenClosedOnce(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Self.content, to: "file")
        let descriptor = try directory.open("file", O_RDONLY)
        defer { _ = Glibc.close(descriptor) }
        let reader = try FileReader(fileDescriptor: FileDescriptor(rawValue: descriptor), loop: loop)

        try loop.run(timeout: .milliseconds(10), count: 2)
        #expect(reader.chunks.flatMap { $0 } == Self.content)
        #expect(reader.closes == 1)
        #expect(!reader.isOpen)
        #expect(reader.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func aPipeIsReadUntilItsWriterClosesThenClosedOnce(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (readEnd, writeEnd) = try makePipe()
        let reader = try FileReader(fileDescriptor: FileDescriptor(rawValue: readEnd), loop: loop)
        _ = Glibc.close(readEnd)

        try writeAll(writeEnd, Self.content)
        try loop.run(until: { reader.chunks.flatMap { $0 }.count == Self.content.count })
        try writeAll(writeEnd, Array(" Pining".utf8))
        _ = Glibc.close(writeEnd)
        try loop.run(until: { !reader.isOpen })

        #expect(reader.chunks.flatMap { $0 } == Self.content + Array(" Pining".utf8))
        #expect(reader.closes == 1)
        #expect(reader.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func writingToAPipeWithNoReaderEndsInOneHandleCloseNotSIGPIPE(backend: PollerBackend) throws {
        final class PipeWriter: FileDispatcher {
            var closes = 0
            var errors: [any Error] = []
            override func readable() -> Bool { false }
            override func handleWrite() throws { try send(Array("anyone there?".utf8)) }
            override func handleClose() { closes += 1; close() }
            override func handleError(_ error: any Error) { errors.append(error); close() }
        }
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (readEnd, writeEnd) = try makePipe()
        let writer = try PipeWriter(fileDescriptor: FileDescriptor(rawValue: writeEnd), loop: loop)
        _ = Glibc.close(writeEnd)
        _ = Glibc.close(readEnd)

        try loop.run(until: { !writer.isOpen })
        try loop.run(timeout: .zero, count: 2)
        #expect(writer.closes == 1)
        #expect(writer.errors.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func closingTwiceIsHarmless(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let (readEnd, writeEnd) = try makePipe()
        defer { _ = Glibc.close(readEnd); _ = Glibc.close(writeEnd) }
        let dispatcher = try FileDispatcher(fileDescriptor: FileDescriptor(rawValue: readEnd), loop: loop)
        dispatcher.close()
        dispatcher.close()
        #expect(!dispatcher.isOpen)
        #expect(dispatcher.descriptor == -1)
        #expect(loop.dispatchers.isEmpty)
    }
}
