import Chat

/// What the chat-server command line asked for. Flags are parsed by hand:
/// the package has no dependencies.
struct ChatServerSettings {
    static let usage = """
        usage: chat-server [--host HOST] [--port PORT] [--max-line BYTES]
                           [--max-queued BYTES] [--idle-timeout SECONDS]

        A line-based chat room: clients pick a nick with /nick NAME, then each
        line they send goes to everyone. Commands: /nick, /me, /who, /quit.
        Runs until SIGINT or SIGTERM.

          --host HOST             address or name to listen on (default 127.0.0.1)
          --port PORT             port to listen on, 0 for any free port (default 7008)
          --max-line BYTES        longest line a client may send (default 512)
          --max-queued BYTES      unsent output a client may hold before it is
                                  disconnected as too slow (default 65536)
          --idle-timeout SECONDS  disconnect clients silent this long (default: never)
          -h, --help              show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound.
        """

    var host = "127.0.0.1"
    var port: UInt16 = 7008
    var options = ChatOptions()

    /// - Throws: ``UsageError`` for an unknown flag, a missing value or a value out of range.
    init(_ arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let next = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
                return next
            }
            func number<Number: FixedWidthInteger>(in range: ClosedRange<Number>) throws(UsageError) -> Number {
                let text = try value()
                guard let parsed = Number(text, radix: 10), range.contains(parsed) else {
                    throw UsageError("\(flag) needs a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
                }
                return parsed
            }
            switch flag {
            case "--host": host = try value()
            case "--port": port = try number(in: 0...UInt16.max)
            case "--max-line": options.maxLineLength = try number(in: 1...(1 << 20))
            case "--max-queued": options.maxQueuedOutput = try number(in: 1...(1 << 30))
            case "--idle-timeout": options.idleTimeout = .seconds(try number(in: 1...86_400 * 365) as Int)
            default:
                throw UsageError(flag.hasPrefix("-") ? "unknown flag \(flag)" : "unexpected argument '\(flag)'")
            }
        }
    }
}
