/// Why a document's sample and its compiled copy do not agree; the
/// description says which block, which file, and what differs.
enum SampleProblem: Error, CustomStringConvertible, Equatable {
    /// A ```swift block with no `<!-- sample: NAME -->` line above it.
    case unmarked(document: String, line: Int)
    /// The marker names no region and no file.
    case unknownSource(document: String, line: Int, name: String)
    /// The block and its compiled copy differ.
    case differs(document: String, line: Int, name: String, file: String, fileLine: Int, difference: String)
    /// Two regions carry the same name.
    case duplicateRegion(name: String, file: String, line: Int, otherFile: String)
    /// A region no document shows: a sample that drifted away from its block.
    case unused(name: String, file: String, line: Int)
    case malformedRegion(file: String, line: Int, reason: String)

    var description: String {
        switch self {
        case .unmarked(let document, let line):
            return "\(document):\(line): a ```swift block with no `<!-- sample: NAME -->` line right above it: "
                + "name its compiled copy (a `// sample: NAME` region, or a file path)"
        case .unknownSource(let document, let line, let name):
            return "\(document):\(line): sample \"\(name)\" names no `// sample: \(name)` region and no file"
        case .differs(let document, let line, let name, let file, let fileLine, let difference):
            return "\(document):\(line): sample \"\(name)\" differs from its compiled copy at \(file):\(fileLine) "
                + "(- the document, + the compiled copy):\n\(difference)"
        case .duplicateRegion(let name, let file, let line, let otherFile):
            return "\(file):\(line): sample \"\(name)\" is defined again (first in \(otherFile))"
        case .unused(let name, let file, let line):
            return "\(file):\(line): sample \"\(name)\" is shown by no document"
        case .malformedRegion(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        }
    }
}
