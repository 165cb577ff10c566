import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/example-tests-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The contents of the files in a folder, in the order of their names.
    func contents(of folder: String) throws -> [[UInt8]] {
        let directory = path + "/" + folder
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map { name in
            Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }
    }
}
