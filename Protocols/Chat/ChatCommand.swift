/// What one line from a client asks for.
enum ChatCommand: Equatable {
    case message(String)
    /// `/nick NAME`; nil when the name is missing.
    case nick(String?)
    /// `/me ACTION`; nil when the action is missing.
    case me(String?)
    case who
    case quit
    /// A `/word` that is no command.
    case unknown(String)
    /// An empty or all-blank line, which the room ignores.
    case blank

    /// Command words are case-insensitive; the argument is trimmed.
    init(line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            self = .blank
            return
        }
        guard line.hasPrefix("/") else {
            self = .message(line)
            return
        }
        let body = line.dropFirst()
        let word = body.prefix { $0 != " " && $0 != "\t" }
        let argument = body.dropFirst(word.count).trimmingBlanks
        switch word.lowercased() {
        case "nick": self = .nick(argument.isEmpty ? nil : String(argument))
        case "me": self = .me(argument.isEmpty ? nil : String(argument))
        case "who": self = .who
        case "quit": self = .quit
        default: self = .unknown(String(word))
        }
    }
}

private extension Substring {
    var trimmingBlanks: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first...last]
    }
}
