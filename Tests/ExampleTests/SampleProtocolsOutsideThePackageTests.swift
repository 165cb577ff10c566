import Glibc
import TestSupport
import Testing

/// Users copy the sample protocols out of the package: each compiles as a
/// module of its own against the built library, in strict Swift 6 and with no
/// `package`-level access, so each uses public API only.
@Suite("Sample protocols outside the package")
struct SampleProtocolsOutsideThePackageTests {
    @Test(arguments: ["Echo", "Chat", "SMTP"])
    func compilesAsAModuleOfItsOwn(protocolName: String) async throws {
        let root = Self.repositoryRoot()
        let folder = "\(root)/Protocols/\(protocolName)"
        let sources = try Self.swiftFiles(in: folder)
        #expect(!sources.isEmpty, "no sources in \(folder)")
        let (status, errors) = try await OutsideCompiler.compile(sources, moduleName: "\(protocolName)Copy", root: root)
        #expect(status == .exited(0), "swiftc \(protocolName): \(errors)")
    }

    /// The repository's root, from this file's path (Tests/ExampleTests/…).
    static func repositoryRoot(file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    static func swiftFiles(in folder: String) throws -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var files: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".swift") { files.append("\(folder)/\(name)") }
        }
        return files.sorted()
    }
}
