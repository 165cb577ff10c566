/// A ```swift block of a document (the README or a DocC article) and the
/// name of its compiled copy, from the `<!-- sample: NAME -->` line right
/// above its opening fence.
///
/// NAME is either a region of a Swift file (`// sample: NAME` ...
/// `// end sample`) or, when it holds a `/`, a whole file, relative to the
/// repository's root.
struct SampleBlock {
    /// The document, relative to the repository's root.
    let document: String
    /// The line of the opening fence, from 1.
    let line: Int
    /// The marker's name; nil when the block has no marker.
    let source: String?
    /// The block's lines, without the fences.
    let lines: [String]

    static let markerPrefix = "<!-- sample: "
    static let markerSuffix = " -->"

    /// True when the marker names a whole file rather than a region.
    var namesFile: Bool { source?.contains("/") ?? false }

    /// Every ```swift block of `text`, in order. Blocks in other languages
    /// are skipped whole, so a fence shown inside one is not mistaken for code.
    static func blocks(in text: String, document: String) -> [SampleBlock] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [SampleBlock] = []
        var index = 0
        while index < lines.count {
            let opening = lines[index]
            let indentation = String(opening.prefix { $0 == " " })
            let fence = opening.dropFirst(indentation.count)
            guard fence.hasPrefix("```") else {
                index += 1
                continue
            }
            let language = fence.dropFirst(3).trimmingCharacters(in: " ")
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: " ") != "```" { end += 1 }
            if language == "swift" {
                let body = lines[(index + 1)..<min(end, lines.count)].map { line in
                    line.hasPrefix(indentation) ? String(line.dropFirst(indentation.count)) : line
                }
                blocks.append(SampleBlock(
                    document: document, line: index + 1, source: marker(above: index, in: lines), lines: body))
            }
            index = end + 1
        }
        return blocks
    }

    private static func marker(above index: Int, in lines: [String]) -> String? {
        guard index > 0 else { return nil }
        let line = lines[index - 1].trimmingCharacters(in: " ")
        guard line.hasPrefix(markerPrefix), line.hasSuffix(markerSuffix) else { return nil }
        return String(line.dropFirst(markerPrefix.count).dropLast(markerSuffix.count))
    }
}

extension StringProtocol {
    /// The text without `character` at either end.
    func trimmingCharacters(in character: Character) -> String {
        guard let first = firstIndex(where: { $0 != character }) else { return "" }
        let last = lastIndex { $0 != character }!
        return String(self[first...last])
    }
}
