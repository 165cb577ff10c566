import ProtocolTesting

/// What the scripted-peer command line asked for. Flags are parsed by hand:
/// the package has no dependencies.
struct ScriptedPeerSettings {
    static let usage = """
        usage: scripted-peer [--host HOST] --port PORT [--deadline DURATION]
                             [--chunking PLAN] [--quiet] SCRIPT...

        Runs transcript files against the server listening at HOST:PORT, with
        fresh connections for each script and each chunking.

          --host HOST          the server's address or name (default 127.0.0.1)
          --port PORT          the server's port
          --deadline DURATION  how long each expectation waits: 500ms, 5s, 1m
                               (default 5s; a script's !deadline overrides it)
          --chunking PLAN      how the client's bytes are cut into writes:
                               whole (default), bytes, all (whole, bytes and a
                               split at every position), split:N or random:SEED
          -q, --quiet          print failures only
          -h, --help           show this help

        Transcript format, one step per line ('#' starts a comment):
          C: text     send text and CRLF        S: text    expect this line
          C< bytes    send bytes (\\r \\n \\t \\\\ \\xHH)  S~ regex   expect a matching line
          C- / C=     shut down output / close  S< bytes   expect these bytes
          C+          connect (again)           S* regex   skip lines up to a match
          R- / R+     stop / resume reading     S=         expect the server to close
          T: 50ms     pause                     S- 200ms   expect silence
          { ... }     S: and S~ lines in any order
          @name       before a step: the client that takes it (several connections)
          !deadline 2s, !line-ending crlf|lf, !chunking run|whole|bytes

        Exit status: 0 when every script passes; 1 when one fails (its report
        is printed); 2 for bad usage or a malformed script (with its line).
        """

    var host = "127.0.0.1"
    var port: UInt16 = 0
    var deadline = Duration.seconds(5)
    var chunking = ChunkingPlan.whole
    var quiet = false
    var scripts: [String] = []

    /// - Throws: ``UsageError`` for an unknown flag, a bad value, or no port or script.
    init(_ arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        var portGiven = false
        var flagsEnded = false
        while let argument = remaining.popFirst() {
            if flagsEnded || !argument.hasPrefix("-") || argument == "-" {
                scripts.append(argument)
                continue
            }
            var flag = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let next = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
                return next
            }
            switch flag {
            case "--":
                flagsEnded = true
            case "--host":
                host = try value()
            case "--port":
                let text = try value()
                guard let number = UInt16(text), number > 0 else {
                    throw UsageError("--port needs a number from 1 to 65535, not '\(text)'")
                }
                port = number
                portGiven = true
            case "--deadline":
                let text = try value()
                guard let duration = DurationText.parse(text), duration > .zero else {
                    throw UsageError("--deadline needs a duration such as 500ms, 5s or 1m, not '\(text)'")
                }
                deadline = duration
            case "--chunking":
                chunking = try ScriptedPeerSettings.plan(try value())
            case "--quiet", "-q":
                quiet = true
            default:
                throw UsageError("unknown flag \(flag)")
            }
        }
        guard portGiven else { throw UsageError("--port is required") }
        guard !scripts.isEmpty else { throw UsageError("give at least one transcript file") }
    }

    private static func plan(_ text: String) throws(UsageError) -> ChunkingPlan {
        if text == "all" { return .all() }
        guard let chunking = Chunking(text) else {
            throw UsageError("--chunking takes whole, bytes, all, split:N or random:SEED, not '\(text)'")
        }
        return .only(chunking)
    }
}
