import Glibc
import TestSupport
import Testing

/// The async samples that users copy (the README's and AsyncChat's
/// documentation's) are code the package compiles: each ```swift block is a
/// copy of part of ReadmeAsyncExample.swift, and that file compiles as a
/// module of its own against the built library, in strict Swift 6, with
/// public API only and no unchecked escape.
@Suite("Async samples outside the package")
struct AsyncSamplesOutsideThePackageTests {
    static let samplesFile = "Tests/AsyncChatTests/Async/ReadmeAsyncExample.swift"
    static let documents = ["README.md", "Sources/AsyncChat/AsyncChat.docc/UsingAsyncConnections.md"]

    @Test func compileAsAModuleOfTheirOwnInStrictSwift6() throws {
        let root = SampleProtocolsOutsideThePackageTests.repositoryRoot()
        let (status, errors) = try OutsideCompiler.compile(
            ["\(root)/\(Self.samplesFile)"], moduleName: "AsyncSamples", root: root, extraFlags: ["-warnings-as-errors"])
        #expect(status == .exited(0), "swiftc: \(errors)")
        let source = try Self.contents(of: "\(root)/\(Self.samplesFile)")
        #expect(!source.contains("@unchecked") && !source.contains("nonisolated(unsafe)"))
    }

    @Test(arguments: documents)
    func everyAsyncSampleIsACopyOfCompiledCode(document: String) throws {
        let root = SampleProtocolsOutsideThePackageTests.repositoryRoot()
        let source = try Self.contents(of: "\(root)/\(Self.samplesFile)")
        let text = try Self.contents(of: "\(root)/\(document)")
        let samples = Self.swiftBlocks(in: text).filter(Self.isAsyncSample)
        #expect(!samples.isEmpty, "no async sample in \(document)")
        for sample in samples {
            #expect(source.contains(sample), "\(document): a sample that is not in \(Self.samplesFile):\n\(sample)")
        }
    }

    /// A sample about the async API: it uses a listener, a connection or the
    /// loop as an executor.
    static func isAsyncSample(_ block: String) -> Bool {
        ["AsyncListener", "AsyncConnection", "LoopExecutor", "asUnownedSerialExecutor"].contains { block.contains($0) }
    }

    /// The bodies of the ```swift blocks of a Markdown text.
    static func swiftBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if let lines = current, line == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    static func contents(of path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw SystemCallFailure(call: "fopen", path: path, errno: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
