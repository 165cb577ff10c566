import ExampleSupport
import FoundationEssentials

/// The command line's paths as script files: a folder stands for the
/// `.txt` files directly in it, sorted by name.
enum ScriptPaths {
    /// - Throws: ``UsageError`` for a path that does not exist, or a folder
    ///   with no `.txt` file: found before any script runs.
    static func expand(_ paths: [String]) throws(UsageError) -> [String] {
        var scripts: [String] = []
        for path in paths {
            var isFolder = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UsageError("no such file or folder: \(path)")
            }
            guard isFolder else {
                scripts.append(path)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let found = names.filter { $0.hasSuffix(".txt") }.sorted()
            guard !found.isEmpty else { throw UsageError("no .txt scripts in the folder \(path)") }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            scripts += found.map { prefix + $0 }
        }
        return scripts
    }
}
