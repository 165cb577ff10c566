import AsyncCore
import Echo
import Glibc
import TestSupport
import Testing

/// The built `echo-client` binary against an echo server in this process,
/// or against a listener the test drives by hand.
@Suite(.serialized) struct EchoClientProgramTests {

    @Test func sendsStandardInputAndPrintsEveryReplyThenExits() throws {
        let server = try ServerThread { loop in
            let echo = try EchoServer(address: .ipv4(port: 0), mode: .line, loop: loop)
            return try echo.localAddress.port ?? 0
        }
        defer { server.stop() }
        let client = try ChildProcess(
            product: "echo-client", arguments: ["--port", String(server.port)], input: .bytes(Array("one\ntwo\r\nno newline".utf8)))
        #expect(try client.waitForExit() == .exited(0))
        #expect(String(decoding: client.output, as: UTF8.self) == "one\ntwo\nno newline\n")
        #expect(client.errorText == "echo-client: connected to 127.0.0.1:\(server.port)\necho-client: connection closed\n")
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        let client = try ChildProcess(product: "echo-client", arguments: ["--port", "1"], input: .empty)
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText == "echo-client: 127.0.0.1:1: connect failed: Connection refused (ECONNREFUSED)\n")
    }

    /// The job is to echo all of the input: a server that closes before the
    /// end of it failed the job.
    @Test func aServerThatClosesBeforeTheEndOfInputIsStatus1() throws {
        let listener = try LocalPeer.listen()
        let port = try listener.port
        let client = try ChildProcess(product: "echo-client", arguments: ["--port", String(port), "--quiet"], input: .open)
        try client.write(Array("one\n".utf8))
        let connection = try #require(try listener.accept())
        #expect(try connection.receive { $0.count >= 4 } == Array("one\n".utf8))
        try connection.socket.shutdown(.both)
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText == "echo-client: 127.0.0.1:\(port): the server closed the connection before the end of input\n")
    }

    /// Ctrl-C ends the interactive client with 130, as a shell reports it.
    @Test func sigintEndsTheClientWithStatus130() throws {
        let listener = try LocalPeer.listen()
        // SIGINT starts blocked, as under a libdispatch thread; the client
        // unblocks it before it connects, so the accepted connection says it is ready.
        let client = try ChildProcess(product: "echo-client", arguments: ["--port", String(try listener.port)], input: .empty, blockedSignals: [SIGINT])
        let connection = try #require(try listener.accept())
        // The client half-closed at the end of its (empty) input and waits for the server.
        #expect(try connection.receive { _ in false }.isEmpty)
        client.send(signal: SIGINT)
        #expect(try client.waitForExit() == .exited(130))
        #expect(client.output.isEmpty)
        #expect(client.errorText == "echo-client: connected to 127.0.0.1:\(try listener.port)\necho-client: connection closed\n")
    }
}
