import AsyncCore
import Chat
import ExampleSupport

/// What the chat-server command line asked for.
struct ChatServerSettings {
    static let usage = """
        usage: chat-server [--host HOST] [--port PORT] [--max-line BYTES]
                           [--max-queued BYTES] [--idle-timeout DURATION] [--proxy-protocol CIDR,...]
                           [--threads N] [--quiet]

        A line-based chat room: clients pick a nick with /nick NAME, then each
        line they send goes to everyone. Commands: /nick, /me, /who, /quit.
        Runs until SIGINT or SIGTERM, then tells everyone "\(ChatText.shuttingDown)".

          --host HOST               where to listen: a name, an IPv4 address, or an
                                    IPv6 address such as ::1 or [::1] (default 127.0.0.1)
          --port PORT               port to listen on, 0 for any free port (default 7008)
          --max-line BYTES          longest line a client may send (default 512)
          --max-queued BYTES        unsent output a client may hold before it is
                                    disconnected as too slow (default 65536)
          --idle-timeout DURATION   disconnect clients silent this long: 90s, 5m, 1.5s,
                                    or none (the default) to never do so
          --proxy-protocol CIDR[,CIDR...]
                               connections from these addresses come through a
                               proxy and must start with a PROXY protocol header
                               (v1 or v2) naming the client: 127.0.0.0/8,::1/128
          --threads N               event loops, each on a thread of its own; the
                                    clients are shared out among them in turn and
                                    all meet in one room (default 1)
          -q, --quiet               log nothing
          -h, --help                show this help

        The first line on standard output is "listening on HOST:PORT", with the
        port actually bound. Standard error gets a line for each connection and
        disconnection, each nick taken, each message delivered (to how many; never
        its text), each line rejected and each member leaving or dropped as too
        slow, starting with the client's address:
        "chat-server: 127.0.0.1:50312: alice joined".

        Exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot run
        (the address is taken, say); 2 for a bad command line.
        """

    var address = ListenAddress(host: "127.0.0.1", port: 7008)
    var options = ChatOptions()
    var threads = 1
    var quiet = false
    var proxyProtocol: ProxyProtocol?

    /// - Throws: `UsageError` for an unknown flag, a missing value or a value out of range.
    init(_ arguments: [String]) throws(UsageError) {
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            switch argument {
            case .flag("--host"):
                address.host = try scanner.host(for: "--host")
            case .flag("--port"):
                address.port = try scanner.integer(for: "--port", in: 0...UInt16.max)
            case .flag("--max-line"):
                options.maxLineLength = try scanner.integer(for: "--max-line", in: 1...(1 << 20))
            case .flag("--max-queued"):
                options.maxQueuedOutput = try scanner.integer(for: "--max-queued", in: 1...(1 << 30))
            case .flag("--idle-timeout"):
                options.idleTimeout = try scanner.timeout(for: "--idle-timeout")
            case .flag("--proxy-protocol"):
                proxyProtocol = try scanner.proxyProtocol(for: "--proxy-protocol")
            case .flag("--threads"):
                threads = try scanner.integer(for: "--threads", in: 1...1024)
            case .flag("--quiet"), .flag("-q"):
                quiet = true
            case .flag(let flag):
                throw UsageError("unknown flag \(flag)")
            case .positional(let text):
                throw UsageError("unexpected argument '\(text)'")
            }
        }
    }
}
