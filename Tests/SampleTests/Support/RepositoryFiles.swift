import Glibc
import TestSupport

/// The repository's files, found from this file's path (Tests/SampleTests/Support/…).
enum RepositoryFiles {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }()

    /// The text of the file at `path`, relative to the root or absolute.
    static func read(_ path: String) throws -> String {
        let file = path.hasPrefix("/") ? path : root + "/" + path
        guard let stream = fopen(file, "rb") else { throw SystemCallFailure(call: "fopen", path: file, errno: errno) }
        defer { fclose(stream) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, stream)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
        }
        guard ferror(stream) == 0 else { throw SystemCallFailure(call: "fread", path: file, errno: errno) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The files under `folder` (relative to the root) whose names end in
    /// `suffix`, relative to the root and sorted; build folders are skipped.
    static func files(under folder: String, endingIn suffix: String) -> [String] {
        var found: [String] = []
        collect(folder, suffix, into: &found)
        return found.sorted()
    }

    /// The DocC articles: every `.md` file in a `.docc` catalog of a module.
    static func articles() -> [String] {
        (files(under: "Sources", endingIn: ".md") + files(under: "Protocols", endingIn: ".md"))
            .filter { $0.contains(".docc/") }
    }

    private static func collect(_ folder: String, _ suffix: String, into found: inout [String]) {
        guard let directory = opendir(root + "/" + folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = folder + "/" + name
            if entry.pointee.d_type == DT_DIR {
                collect(path, suffix, into: &found)
            } else if name.hasSuffix(suffix) {
                found.append(path)
            }
        }
    }
}
