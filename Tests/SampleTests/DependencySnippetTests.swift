import Glibc
import TestSupport
import Testing

/// The README's manifest for a package that uses this one works for a clone
/// in a folder of any name, and its test target builds with a Transcripts
/// folder without a warning. SwiftPM plans the user package's build (it loads
/// both manifests and checks every product reference) without compiling it.
@Suite("README: the manifest of a package that uses SwiftAsyncore")
struct DependencySnippetTests {
    static let manifestPath = "Tests/Samples/MyServer/Package.swift"
    static let writtenPath = "path: \"../SwiftAsyncore\""

    /// Lays out a user package beside a link to this repository named
    /// `cloneName`, with `manifest` as its Package.swift, and plans its build.
    static func plan(manifest: String, cloneName: String) throws -> (status: TestSupport.ExitStatus, errors: String) {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect(symlink(RepositoryFiles.root, folder.path + "/" + cloneName) == 0)
        for directory in ["MyServer", "MyServer/Sources", "MyServer/Sources/MyServer", "MyServer/Tests",
                          "MyServer/Tests/MyServerTests", "MyServer/Tests/MyServerTests/Transcripts"] {
            #expect(mkdir(folder.path + "/" + directory, 0o700) == 0)
        }
        try folder.write(Array(manifest.utf8), to: "MyServer/Package.swift")
        try folder.write(Array("import AsyncChat\n".utf8), to: "MyServer/Sources/MyServer/MyServer.swift")
        try folder.write(Array("import ProtocolTesting\n".utf8), to: "MyServer/Tests/MyServerTests/MyServerTests.swift")
        try folder.write(Array("C: hello\nS: hello\n".utf8), to: "MyServer/Tests/MyServerTests/Transcripts/echo.txt")
        let swift = try ChildProcess(
            path: "/usr/bin/env",
            arguments: ["swift", "build", "--build-tests", "--print-manifest-job-graph",
                        "--package-path", folder.path + "/MyServer", "--scratch-path", folder.path + "/build"],
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        let status = try swift.waitForExit(within: .seconds(240))
        return (status, swift.errorText)
    }

    @Test func resolvesAsWrittenAndWithTheCloneInAFolderOfAnotherName() throws {
        let manifest = try RepositoryFiles.read(Self.manifestPath)
        #expect(manifest.contains(Self.writtenPath))
        let otherName = manifest.replacing(Self.writtenPath, with: "path: \"../asyncore-clone\"")
        for (text, clone) in [(manifest, "SwiftAsyncore"), (otherName, "asyncore-clone")] {
            let plan = try Self.plan(manifest: text, cloneName: clone)
            #expect(plan.status == .exited(0), "clone folder \(clone): \(plan.errors)")
            #expect(!plan.errors.contains("warning:") && !plan.errors.contains("error:"), "clone folder \(clone): \(plan.errors)")
        }
    }

    /// Why the manifest names the package: without `name:`, SwiftPM knows a
    /// path dependency only by its folder's name.
    @Test func withoutTheNameAFolderOfAnotherNameFails() throws {
        let manifest = try RepositoryFiles.read(Self.manifestPath)
            .replacing(".package(name: \"SwiftAsyncore\", path: \"../SwiftAsyncore\")", with: ".package(path: \"../asyncore-clone\")")
        let plan = try Self.plan(manifest: manifest, cloneName: "asyncore-clone")
        #expect(plan.status != .exited(0))
        #expect(plan.errors.contains("unknown package 'SwiftAsyncore'"), "\(plan.errors)")
    }

    @Test func withoutTheExcludeTheTranscriptsWarn() throws {
        let manifest = try RepositoryFiles.read(Self.manifestPath)
            .replacing("exclude: [\"Transcripts\"]", with: "exclude: []")
        let plan = try Self.plan(manifest: manifest, cloneName: "SwiftAsyncore")
        #expect(plan.errors.contains("unhandled"), "\(plan.errors)")
    }
}
