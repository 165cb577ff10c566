import TestSupport
import Testing

/// The async samples users copy (the README's and AsyncChat's article's,
/// kept exact by SampleTests) compile as a module of their own against the
/// built library, as a user's package would: strict Swift 6, public API
/// only, no warnings.
@Suite("Async samples outside the package")
struct AsyncSamplesOutsideThePackageTests {
    static let samplesFile = "Tests/SampleTests/Samples/AsyncConnections.swift"

    @Test func compileAsAModuleOfTheirOwnInStrictSwift6() async throws {
        let root = SampleProtocolsOutsideThePackageTests.repositoryRoot()
        let (status, errors) = try await OutsideCompiler.compile(
            ["\(root)/\(Self.samplesFile)"], moduleName: "AsyncSamples", root: root, extraFlags: ["-warnings-as-errors"])
        #expect(status == .exited(0), "swiftc: \(errors)")
    }
}
