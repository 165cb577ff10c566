import AsyncCore
import Echo
import Glibc
import TestSupport
import Testing

/// The built `echo-client` binary against an echo server in this process.
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
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        let client = try ChildProcess(product: "echo-client", arguments: ["--port", "1"], input: .empty)
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText.contains("127.0.0.1:1: connect failed: Connection refused (ECONNREFUSED)"))
    }

}
