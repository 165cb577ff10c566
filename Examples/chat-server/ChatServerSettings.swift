import Chat
import ExampleSupport

/// What the chat-server command line asked for.
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

    /// - Throws: `UsageError` for an unknown flag, a missing value or a value out of range.
    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                host = try scanner.value(for: "--host")
            case .flag("--port"):
                port = try scanner.integer(for: "--port", in: 0...UInt16.max)
            case .flag("--max-line"):
                options.maxLineLength = try scanner.integer(for: "--max-line", in: 1...(1 << 20))
            case .flag("--max-queued"):
                options.maxQueuedOutput = try scanner.integer(for: "--max-queued", in: 1...(1 << 30))
            case .flag("--idle-timeout"):
                let seconds: Int = try scanner.integer(for: "--idle-timeout", in: 1...(86_400 * 365))
                options.idleTimeout = .seconds(seconds)
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
    }
}
