// An echo server for AcceptExhaustionTests, run as a child process under a
// small descriptor limit (`ulimit -n`), so that running out of descriptors
// never touches the test process itself.
//
//     emfile-probe [epoll|poll]
//
// Prints "listening on HOST:PORT", then every line the loop logs, to
// standard output, unbuffered.
import AsyncCore
import Glibc

final class Echo: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(65536)
        if !bytes.isEmpty { try send(bytes) }
    }
}

final class EchoListener: Dispatcher {
    override func writable() -> Bool { false }
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        _ = try Echo(socket: socket, loop: loop)
    }
}

func say(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

// Descriptors inherited from the test process (which opens and closes them
// concurrently) would make the limit's headroom unpredictable.
for descriptor in 3..<getdtablesize() { _ = close(descriptor) }

do {
    let backend = CommandLine.arguments.dropFirst().first.flatMap(PollerBackend.init(rawValue:)) ?? .epoll
    let loop = try EventLoop(backend: backend)
    loop.logger = say
    let listener = EchoListener(loop: loop)
    try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
    try listener.listen()
    say("listening on \(try listener.localAddress)")
    try loop.run()
} catch {
    say("error: \(error)")
    exit(1)
}
