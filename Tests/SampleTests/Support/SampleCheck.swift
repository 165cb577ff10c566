/// Compares the ```swift blocks of documents with their compiled copies.
///
/// The copies are regions of Swift files (`// sample: NAME` ...
/// `// end sample`) or whole files, named by the `<!-- sample: NAME -->`
/// line above each block.
struct SampleCheck {
    private(set) var regions: [String: SampleRegion] = [:]
    private(set) var problems: [SampleProblem] = []
    /// The text of a file named by a marker, relative to the repository's
    /// root; nil when there is no such file.
    let readFile: (String) -> String?

    /// A check over the regions of `sources` (path and text of each file).
    init(sources: [(path: String, text: String)], readFile: @escaping (String) -> String?) {
        self.readFile = readFile
        for source in sources {
            let found = SampleRegion.regions(in: source.text, file: source.path)
            problems += found.problems
            for region in found.regions {
                if let first = regions[region.name] {
                    problems.append(.duplicateRegion(name: region.name, file: region.file, line: region.line - 1, otherFile: first.file))
                } else {
                    regions[region.name] = region
                }
            }
        }
    }

    /// What is wrong with `block`: nil when it is an exact copy of what its marker names.
    func problem(with block: SampleBlock) -> SampleProblem? {
        guard let name = block.source else { return .unmarked(document: block.document, line: block.line) }
        let copy: SampleRegion
        if block.namesFile {
            guard let text = readFile(name) else { return .unknownSource(document: block.document, line: block.line, name: name) }
            copy = SampleRegion.wholeFile(name, text: text)
        } else {
            guard let region = regions[name] else { return .unknownSource(document: block.document, line: block.line, name: name) }
            copy = region
        }
        guard block.lines != copy.lines else { return nil }
        return .differs(
            document: block.document, line: block.line, name: name, file: copy.file, fileLine: copy.line,
            difference: LineDiff.describe(block.lines, copy.lines))
    }

    /// The regions that none of `blocks` shows.
    func unusedRegions(shownBy blocks: [SampleBlock]) -> [SampleProblem] {
        let shown = Set(blocks.compactMap(\.source))
        return regions.values.filter { !shown.contains($0.name) }
            .sorted { ($0.file, $0.line) < ($1.file, $1.line) }
            .map { .unused(name: $0.name, file: $0.file, line: $0.line - 1) }
    }
}
