import Glibc
import TestSupport
import Testing

/// The built `echo-server` binary, run as a user would run it.
@Suite(.serialized) struct EchoServerProgramTests {
    /// The server starts with SIGTERM and SIGINT blocked, as a child of a
    /// libdispatch thread (this test runner's, say) inherits them.
    @Test func announcesItsPortEchoesAndExitsCleanlyOnSIGTERM() throws {
        let server = try ChildProcess(product: "echo-server", arguments: ["--port", "0"], blockedSignals: [SIGTERM, SIGINT])
        let line = try #require(try server.readLine())
        #expect(line.hasPrefix("listening on 127.0.0.1:"))
        let port = try #require(UInt16(line.dropFirst("listening on 127.0.0.1:".count)))
        #expect(port != 0)

        let client = try #require(try LocalPeer.connect(port: port))
        let message = Array("hello, echo\n".utf8)
        #expect(try client.sendAll(message))
        #expect(try client.receive { $0.count >= message.count } == message)

        server.send(signal: SIGTERM)
        #expect(try server.waitForExit() == .exited(0))
        #expect(server.errorText.contains("SIGTERM"))
    }

    @Test func rejectsAnUnknownModeWithStatus2() throws {
        let server = try ChildProcess(product: "echo-server", arguments: ["--port", "0", "--mode", "sideways"])
        #expect(try server.waitForExit() == .exited(2))
        #expect(server.output.isEmpty)
        #expect(server.errorText.contains("unknown mode 'sideways'"))
    }
}
