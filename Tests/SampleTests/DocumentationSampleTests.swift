import Testing

/// Every ```swift block of the README and of the DocC articles is an exact
/// copy of code the package compiles: a sample program under Tests/Samples,
/// the user package's manifest there, or a file of this target's Samples
/// folder (whose types and tests the other tests of this target run).
@Suite("Documentation samples are compiled code")
struct DocumentationSampleTests {
    static let documents = ["README.md"] + RepositoryFiles.articles()
    /// Where compiled copies live.
    static let sampleFolders = ["Tests/Samples", "Tests/SampleTests/Samples"]

    static func check() throws -> SampleCheck {
        let paths = sampleFolders.flatMap { RepositoryFiles.files(under: $0, endingIn: ".swift") }
        let sources = try paths.map { (path: $0, text: try RepositoryFiles.read($0)) }
        return SampleCheck(sources: sources) { try? RepositoryFiles.read($0) }
    }

    static func blocks(of document: String) throws -> [SampleBlock] {
        SampleBlock.blocks(in: try RepositoryFiles.read(document), document: document)
    }

    @Test(arguments: documents)
    func everySwiftBlockIsACopyOfCompiledCode(document: String) throws {
        let check = try Self.check()
        for block in try Self.blocks(of: document) {
            if let problem = check.problem(with: block) { Issue.record("\(problem)") }
        }
    }

    @Test func everySampleIsShownByADocument() throws {
        let check = try Self.check()
        for problem in check.problems { Issue.record("\(problem)") }
        let blocks = try Self.documents.flatMap { try Self.blocks(of: $0) }
        for problem in check.unusedRegions(shownBy: blocks) { Issue.record("\(problem)") }
        let shownFiles = Set(blocks.filter(\.namesFile).compactMap(\.source))
        let filesWithRegions = Set(check.regions.values.map(\.file))
        for folder in Self.sampleFolders {
            for file in RepositoryFiles.files(under: folder, endingIn: ".swift")
            where !shownFiles.contains(file) && !filesWithRegions.contains(file) {
                Issue.record("\(file): a sample file that no document shows, whole or by a `// sample: NAME` region")
            }
        }
    }

    @Test func theReadmeAndEveryModuleHaveSamples() throws {
        #expect(try Self.blocks(of: "README.md").count >= 5)
        for module in ["AsyncCore", "AsyncChat", "ProtocolTesting", "Echo", "Chat", "SMTP"] {
            let articles = Self.documents.filter { $0.contains("/\(module).docc/") }
            #expect(!articles.isEmpty, "\(module) has no DocC catalog")
            #expect(try articles.contains { try !Self.blocks(of: $0).isEmpty }, "\(module)'s articles show no Swift sample")
        }
    }
}
