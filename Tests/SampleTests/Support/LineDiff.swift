/// The difference between two texts, line by line: the changed lines with
/// two lines of context, `-` for the first text's and `+` for the second's.
/// Whitespace at a line's end, invisible otherwise, shows as `·`.
enum LineDiff {
    static func describe(_ old: [String], _ new: [String]) -> String {
        let script = editScript(old, new)
        let context = 2
        var shown = Set<Int>()
        for (index, edit) in script.enumerated() where edit.mark != " " {
            for near in max(0, index - context)...min(script.count - 1, index + context) { shown.insert(near) }
        }
        var lines: [String] = []
        var previous: Int?
        for index in shown.sorted() {
            if let previous, index > previous + 1 { lines.append("  ...") }
            let edit = script[index]
            lines.append("\(edit.mark) \(visible(edit.text))")
            previous = index
        }
        return lines.joined(separator: "\n")
    }

    private static func visible(_ line: String) -> String {
        let trailing = line.reversed().prefix { $0 == " " || $0 == "\t" }.count
        return String(line.dropLast(trailing)) + String(repeating: "·", count: trailing)
    }

    /// A shortest edit script from the longest common subsequence of lines.
    private static func editScript(_ old: [String], _ new: [String]) -> [(mark: Character, text: String)] {
        var common = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var script: [(mark: Character, text: String)] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                script.append((" ", old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
                script.append(("-", old[i]))
                i += 1
            } else {
                script.append(("+", new[j]))
                j += 1
            }
        }
        return script
    }
}
