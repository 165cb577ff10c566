import Glibc
import TestSupport
import Testing

@Suite struct TemporaryDirectoryTests {
    @Test func filesAreWrittenReadAndListedByName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.path + "/new", 0o700) == 0)
        let second = try directory.write(Array("second".utf8), to: "new/b")
        try directory.write([], to: "new/a")
        #expect(second == directory.path + "/new/b")
        #expect(try directory.read("new/b") == Array("second".utf8))
        let files = try directory.files(in: "new")
        #expect(files.map(\.name) == ["a", "b"])
        #expect(files.map(\.content) == [[], Array("second".utf8)])
        #expect(throws: SystemCallFailure.self) { try directory.write([1], to: "new/a") }
    }

    @Test func removeTakesEverythingInItAndIsIdempotent() throws {
        let directory = try TemporaryDirectory()
        #expect(mkdir(directory.path + "/deep", 0o700) == 0)
        #expect(mkdir(directory.path + "/deep/deeper", 0o700) == 0)
        try directory.write(Array("x".utf8), to: "deep/deeper/file")
        #expect(symlink("/", directory.path + "/deep/root") == 0)
        directory.remove()
        #expect(access(directory.path, F_OK) == -1)
        directory.remove()
    }

    @Test func eachIsNewAndGoesAwayWithTheObject() throws {
        var first: TemporaryDirectory? = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        defer { second.remove() }
        let path = try #require(first?.path)
        #expect(path != second.path)
        #expect(access(path, F_OK) == 0)
        first = nil
        #expect(access(path, F_OK) == -1)
    }
}
