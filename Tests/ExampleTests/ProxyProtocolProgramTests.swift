import AsyncCore
import Glibc
import TestSupport
import Testing

/// `--proxy-protocol` on the servers: a connection from a trusted proxy
/// starts with a PROXY header, and the logs (and SMTP's trace) name the
/// client it announces; a proxy's bad header is closed with a log line.
@Suite(.serialized) struct ProxyProtocolProgramTests {
    static let header = Array("PROXY TCP4 203.0.113.7 192.0.2.1 51000 7007\r\n".utf8)

    @Test func echoServerLogsTheClientTheProxyNames() throws {
        let server = try ServerProcess("echo-server", ["--proxy-protocol", "127.0.0.0/8,::1/128"])
        let client = try #require(try LocalPeer.connect(port: server.port))
        #expect(try client.sendAll(Self.header + Array("hello\n".utf8)))
        #expect(try client.receive { $0.count >= 6 } == Array("hello\n".utf8))
        #expect(try server.process.errorOutputContains("echo-server: 203.0.113.7:51000: connected\n"))
        #expect(try server.stop() == .exited(0))
    }

    @Test func echoServerClosesABadHeaderWithALogLine() throws {
        let server = try ServerProcess("echo-server", ["--proxy-protocol", "127.0.0.1/32"])
        let client = try #require(try LocalPeer.connect(port: server.port))
        let peer = try client.address
        #expect(try client.sendAll(Array("hello\n".utf8)))
        #expect(try server.process.errorOutputContains(
            "echo-server: proxy: \(peer): no PROXY protocol header where one is required; connection closed\n"))
        #expect(try server.stop() == .exited(0))
    }

    @Test func smtpServerTracesTheClientTheProxyNames() throws {
        let server = try ServerProcess("smtp-server", ["--proxy-protocol", "127.0.0.1/32", "--hostname", "mx.test", "--discard"])
        let client = try #require(try LocalPeer.connect(port: server.port))
        #expect(try client.sendAll(Self.header + Array("EHLO client.test\r\nQUIT\r\n".utf8)))
        _ = try client.receive { String(decoding: $0, as: UTF8.self).contains("221") }
        #expect(try server.process.errorOutputContains("connect from unknown[203.0.113.7]"))
        #expect(try server.stop() == .exited(0))
    }

    @Test func aRangeThatIsNotOneIsAUsageError() throws {
        let server = try ChildProcess(product: "chat-server", arguments: ["--proxy-protocol", "127.0.0.0/33"])
        #expect(try server.waitForExit() == .exited(2))
        #expect(server.errorText.contains("--proxy-protocol needs address ranges such as 127.0.0.0/8,::1/128"))
    }
}
