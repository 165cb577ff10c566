import AsyncCore
import Glibc
import Testing

/// The built `echo-server` binary, run as a user would run it.
@Suite(.serialized) struct EchoServerProgramTests {
    let executable = builtProduct("echo-server")

    /// The server starts with SIGTERM and SIGINT blocked, as a child of a
    /// libdispatch thread (this test runner's, say) inherits them.
    @Test func announcesItsPortEchoesAndExitsCleanlyOnSIGTERM() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let server = try ChildProcess(path: executable, arguments: ["--port", "0"], blockedSignals: [SIGTERM, SIGINT])
        let line = try #require(try server.readLine())
        #expect(line.hasPrefix("listening on 127.0.0.1:"))
        let port = try #require(UInt16(line.dropFirst("listening on 127.0.0.1:".count)))
        #expect(port != 0)

        let loop = try EventLoop()
        let client = try TestClient(connectingTo: .ipv4(port: port))
        try client.sendSome(Array("hello, echo\n".utf8)[...])
        try drive(loop) {
            try client.receiveAvailable()
            return client.received.count >= 12
        }
        #expect(client.received == Array("hello, echo\n".utf8))

        kill(server.pid, SIGTERM)
        #expect(try server.waitForExit() == 0)
        #expect(server.errorText.contains("SIGTERM"))
    }

    @Test func rejectsAnUnknownModeWithStatus2() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let server = try ChildProcess(path: executable, arguments: ["--port", "0", "--mode", "sideways"])
        #expect(try server.readLine() == nil)
        #expect(try server.waitForExit() == 2)
        #expect(server.errorText.contains("unknown mode 'sideways'"))
    }
}
