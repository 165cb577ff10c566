import AsyncCore
import Echo
import Glibc
import Synchronization
import TestSupport
import Testing

/// The built `echo-client` binary against an echo server in this process.
@Suite(.serialized) struct EchoClientProgramTests {
    @Test func sendsStandardInputAndPrintsEveryReplyThenExits() throws {
        let bound = BoundPort()
        let server = try EventLoopThread { loop in
            let echo = try EchoServer(address: .ipv4(port: 0), mode: .line, loop: loop)
            bound.port.withLock { $0 = try? echo.localAddress.port }
        }
        defer { server.stop() }
        let port = try #require(bound.port.withLock { $0 })
        let client = try ChildProcess(
            product: "echo-client", arguments: ["--port", String(port)], input: .bytes(Array("one\ntwo\r\nno newline".utf8)))
        #expect(try client.waitForExit() == .exited(0))
        #expect(String(decoding: client.output, as: UTF8.self) == "one\ntwo\nno newline\n")
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        let client = try ChildProcess(product: "echo-client", arguments: ["--port", "1"], input: .empty)
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText.contains("127.0.0.1:1: connect failed: Connection refused (ECONNREFUSED)"))
    }

}

/// The port a server set up on another thread is bound to.
private final class BoundPort: Sendable {
    let port = Mutex<UInt16?>(nil)
}
