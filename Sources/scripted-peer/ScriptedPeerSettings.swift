import ExampleSupport
import ProtocolTesting

/// What the scripted-peer command line asked for.
struct ScriptedPeerSettings {
    static let usage = """
        usage: scripted-peer [--host HOST] --port PORT [--deadline DURATION]
                             [--chunking PLAN] [--quiet] SCRIPT|FOLDER...

        Runs transcript files against the server listening at HOST:PORT, with
        fresh connections for each script and each chunking. A folder stands
        for the .txt files in it (not in its subfolders), in name order.

          --host HOST          the server: a name, an IPv4 address, or an IPv6
                               address such as ::1 or [::1] (default 127.0.0.1)
          --port PORT          the server's port
          --deadline DURATION  how long each expectation waits: 500ms, 1.5s, 5s, 1m
                               (default 5s; a script's !deadline overrides it)
          --chunking PLAN      how the client's bytes are cut into writes:
                               whole (default), bytes, all (whole, bytes and a
                               split at every position), split:N or random:SEED
          -q, --quiet          print failures and the summary only
          -h, --help           show this help

        Transcript format, one step per line ('#' starts a comment):
          C: text     send text and CRLF           S: text    expect this line
          C< bytes    send bytes (\\r \\n \\t \\\\ \\xHH)  S~ regex   expect a matching line
          C- / C=     shut down output / close     S< bytes   expect these bytes
          C+          connect (again)              S* regex   skip whole lines up to one the
          R- / R+     stop / resume reading                   regex matches, and take that one
          T: 50ms     pause                        S*         skip everything up to the close
          T+ 5m       advance virtual time         S=         expect the server to close
                      (in-process servers only)    S- 200ms   expect silence
          { ... }     S: and S~ lines in any order
          @name       before a step: the client that takes it (several connections)
          !deadline 2s, !line-ending crlf|lf, !chunking run|whole|bytes

        Every script runs, one after the other, and gets a line: "ok    PATH",
        "FAIL  PATH" and its report (a script that does not parse is reported
        with its line), or "skip  PATH:LINE: reason" for a script that cannot
        run over TCP (T+ moves the virtual clock of an in-process server). The
        last line is the summary: "N passed, N failed, N skipped".

        Exit status: 0 when no script failed; 1 when one failed; 2 for a bad
        command line (a flag, or a path that is neither a file nor a folder of
        .txt files), before any script runs.
        """

    var host = "127.0.0.1"
    var port: UInt16 = 0
    var deadline = Duration.seconds(5)
    var chunking = ChunkingPlan.whole
    var quiet = false
    /// The script files, folders expanded.
    var scripts: [String] = []

    /// - Throws: ``UsageError`` for an unknown flag, a bad value, no port,
    ///   or no script.
    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        var portGiven = false
        var paths: [String] = []
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.host(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 1...UInt16.max)
                portGiven = true
            case .flag("--deadline"):
                deadline = try scanner.duration(for: "--deadline")
            case .flag("--chunking"):
                chunking = try ScriptedPeerSettings.plan(try scanner.value(for: "--chunking"))
            case .flag("--quiet"), .flag("-q"):
                quiet = true
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let path):
                paths.append(path)
            }
        }
        guard portGiven else { throw UsageError("--port is required") }
        guard !paths.isEmpty else { throw UsageError("give at least one transcript file or folder") }
        scripts = try ScriptPaths.expand(paths)
    }

    private static func plan(_ text: String) throws(UsageError) -> ChunkingPlan {
        if text == "all" { return .all() }
        guard let chunking = Chunking(text) else {
            throw UsageError("--chunking takes whole, bytes, all, split:N or random:SEED, not '\(text)'")
        }
        return .only(chunking)
    }
}
