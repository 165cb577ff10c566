import AsyncCore
import Echo
import Glibc
import Synchronization
import Testing

/// The built `echo-client` binary against an echo server in this process,
/// or against a listener the test drives by hand.
@Suite(.serialized) struct EchoClientProgramTests {
    let executable = builtProduct("echo-client")

    @Test func sendsStandardInputAndPrintsEveryReplyThenExits() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let bound = BoundPort()
        let server = try EventLoopThread { loop in
            let echo = try EchoServer(address: .ipv4(port: 0), mode: .line, loop: loop)
            bound.port.withLock { $0 = try? echo.localAddress.port }
        }
        defer { server.stop() }
        let port = try #require(bound.port.withLock { $0 })
        let client = try ChildProcess(
            path: executable, arguments: ["--port", String(port)], input: Array("one\ntwo\r\nno newline".utf8))
        #expect(try client.waitForExit() == 0)
        #expect(String(decoding: client.output, as: UTF8.self) == "one\ntwo\nno newline\n")
        #expect(client.errorText == "echo-client: connected to 127.0.0.1:\(port)\necho-client: connection closed\n")
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let client = try ChildProcess(path: executable, arguments: ["--port", "1"], input: [])
        #expect(try client.waitForExit() == 1)
        #expect(client.errorText == "echo-client: 127.0.0.1:1: connect failed: Connection refused (ECONNREFUSED)\n")
    }

    /// The job is to echo all of the input: a server that closes before the
    /// end of it failed the job.
    @Test func aServerThatClosesBeforeTheEndOfInputIsStatus1() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let listener = try LocalPeer.listen()
        let port = try listener.port
        let client = try ChildProcess(
            path: executable, arguments: ["--port", String(port), "--quiet"], input: Array("one\n".utf8), keepingInputOpen: true)
        let connection = try #require(try listener.accept())
        #expect(try connection.receive { $0.count >= 4 } == Array("one\n".utf8))
        try connection.socket.shutdown(Int32(SHUT_RDWR))
        #expect(try client.waitForExit() == 1)
        #expect(client.errorText == "echo-client: 127.0.0.1:\(port): the server closed the connection before the end of input\n")
    }

    /// Ctrl-C ends the interactive client with 130, as a shell reports it.
    @Test func sigintEndsTheClientWithStatus130() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let listener = try LocalPeer.listen()
        // SIGINT starts blocked, as under a libdispatch thread; the client
        // unblocks it before it connects, so the accepted connection says it is ready.
        let client = try ChildProcess(path: executable, arguments: ["--port", String(try listener.port)], blockedSignals: [SIGINT], input: [])
        let connection = try #require(try listener.accept())
        // The client half-closed at the end of its (empty) input and waits for the server.
        #expect(try connection.receive { _ in false }.isEmpty)
        kill(client.pid, SIGINT)
        #expect(try client.waitForExit() == 130)
        #expect(client.output.isEmpty)
        #expect(client.errorText == "echo-client: connected to 127.0.0.1:\(try listener.port)\necho-client: connection closed\n")
    }
}

/// The port a server set up on another thread is bound to.
private final class BoundPort: Sendable {
    let port = Mutex<UInt16?>(nil)
}
