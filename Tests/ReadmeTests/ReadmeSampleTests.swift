import Glibc
import Testing

/// Every ```swift block of the README is a copy of code compiled here, in
/// Tests/ReadmeTests, so no sample can stop compiling unnoticed. A block's
/// leading imports must be imports of the file; the rest must appear in it
/// whole and in order, indented by any constant amount (a script's top level
/// may be a function's body). A block right after the comment
/// `<!-- not compiled: ... -->` (a Package.swift fragment) is left out.
@Suite struct ReadmeSampleTests {
    static let folder: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }()

    static func contents(of path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The README's swift blocks, each as lines, with the line it starts on.
    static func readmeBlocks() -> [(line: Int, lines: [String])] {
        let readme = contents(of: folder + "/../../README.md") ?? ""
        var blocks: [(line: Int, lines: [String])] = []
        var current: [String]?
        var start = 0
        var exempt = false
        var previous = ""
        for (number, line) in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if var block = current {
                if line == "```" {
                    if !exempt { blocks.append((start, block)) }
                    current = nil
                } else {
                    block.append(line)
                    current = block
                }
            } else if line == "```swift" {
                current = []
                start = number + 1
                exempt = previous.hasPrefix("<!-- not compiled:")
            }
            if !line.isEmpty { previous = line }
        }
        return blocks
    }

    static func sampleFiles() -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var files: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".swift"), name != "ReadmeSampleTests.swift" { files.append(folder + "/" + name) }
        }
        return files
    }

    /// Whether `block` is in `file`: its leading imports among the file's
    /// lines, the rest contiguous with one constant extra indentation.
    static func file(_ file: [String], holds block: [String]) -> Bool {
        var body = block[...]
        while let first = body.first, first.hasPrefix("import ") || first.isEmpty {
            if !first.isEmpty, !file.contains(first) { return false }
            body = body.dropFirst()
        }
        guard let head = body.first else { return true }
        for (index, line) in file.enumerated() where line.hasSuffix(head) {
            let indent = String(line.dropLast(head.count))
            guard indent.allSatisfy({ $0 == " " }), index + body.count <= file.count else { continue }
            let matches = zip(body, file[index...]).allSatisfy { wanted, actual in
                wanted.isEmpty ? actual.allSatisfy { $0 == " " } : actual == indent + wanted
            }
            if matches { return true }
        }
        return false
    }

    @Test func everySwiftBlockOfTheReadmeIsCompiledHere() throws {
        let blocks = Self.readmeBlocks()
        #expect(blocks.count >= 7, "found \(blocks.count) swift blocks in README.md")
        let files = Self.sampleFiles().compactMap { Self.contents(of: $0)?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        for block in blocks {
            #expect(files.contains { Self.file($0, holds: block.lines) }, "README.md:\(block.line): no file in Tests/ReadmeTests holds this block:\n\(block.lines.joined(separator: "\n"))")
        }
    }
}
