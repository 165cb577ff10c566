/// A compiled copy of a sample: a region of a Swift file between a
/// `// sample: NAME` line and an `// end sample` line, or a whole file.
///
/// A region may be indented (inside a function, say): the marker's
/// indentation is taken off every line of it.
struct SampleRegion {
    let name: String
    /// The file, relative to the repository's root.
    let file: String
    /// The line of the region's first line of code, from 1.
    let line: Int
    let lines: [String]

    static let startPrefix = "// sample: "
    static let end = "// end sample"

    /// A whole file as a sample: its lines, without the newline that ends the last.
    static func wholeFile(_ file: String, text: String) -> SampleRegion {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return SampleRegion(name: file, file: file, line: 1, lines: lines)
    }

    /// The regions of `text`; a marker without its end, a region inside
    /// another, or a line less indented than its marker is a ``SampleProblem``.
    static func regions(in text: String, file: String) -> (regions: [SampleRegion], problems: [SampleProblem]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var regions: [SampleRegion] = []
        var problems: [SampleProblem] = []
        var open: (name: String, indentation: String, line: Int, lines: [String])?
        for (index, line) in lines.enumerated() {
            let indentation = String(line.prefix { $0 == " " })
            let content = line.dropFirst(indentation.count)
            if content.hasPrefix(startPrefix) {
                if let open {
                    problems.append(.malformedRegion(file: file, line: index + 1, reason: "a sample starts inside sample \"\(open.name)\""))
                }
                open = (String(content.dropFirst(startPrefix.count)), indentation, index + 2, [])
            } else if content == end {
                guard let region = open else {
                    problems.append(.malformedRegion(file: file, line: index + 1, reason: "an end with no sample open"))
                    continue
                }
                regions.append(SampleRegion(name: region.name, file: file, line: region.line, lines: region.lines))
                open = nil
            } else if open != nil {
                if line.hasPrefix(open!.indentation) {
                    open!.lines.append(String(line.dropFirst(open!.indentation.count)))
                } else if line.allSatisfy({ $0 == " " }) {
                    open!.lines.append("")
                } else {
                    problems.append(.malformedRegion(
                        file: file, line: index + 1, reason: "the line is less indented than the marker of sample \"\(open!.name)\""))
                }
            }
        }
        if let open {
            problems.append(.malformedRegion(file: file, line: open.line - 1, reason: "sample \"\(open.name)\" has no `\(end)` line"))
        }
        return (regions, problems)
    }
}
