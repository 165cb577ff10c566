import AsyncCore
import Echo
import Glibc
import Synchronization
import Testing

/// The built `echo-client` binary against an echo server in this process.
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
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        try #require(access(executable, X_OK) == 0, "no executable at \(executable)")
        let client = try ChildProcess(path: executable, arguments: ["--port", "1"], input: [])
        #expect(try client.waitForExit() == 1)
        #expect(client.errorText.contains("127.0.0.1:1: connect failed: Connection refused (ECONNREFUSED)"))
    }

}

/// The port a server set up on another thread is bound to.
private final class BoundPort: Sendable {
    let port = Mutex<UInt16?>(nil)
}
