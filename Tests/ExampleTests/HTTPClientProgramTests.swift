import Glibc
import TestSupport
import Testing

/// The built `http-client` binary against a scripted server on loopback.
@Suite(.serialized) struct HTTPClientProgramTests {
    @Test func sendsAnHTTP10GetAndPrintsTheResponseAsIs() throws {
        let listener = try LocalPeer.listen()
        let port = try listener.port
        let client = try ChildProcess(product: "http-client", arguments: ["--verbose", "http://127.0.0.1:\(port)/path?q=1#top"])

        let connection = try #require(try listener.accept())
        let request = try connection.receive { $0.count >= 4 && Array($0.suffix(4)) == Array("\r\n\r\n".utf8) }
        #expect(String(decoding: request, as: UTF8.self) == "GET /path?q=1 HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        let response = Array("HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n".utf8)
        #expect(try connection.sendAll(response))
        try connection.socket.shutdown(Int32(SHUT_WR))

        #expect(try client.waitForExit() == .exited(0))
        #expect(client.output == response)
        for hook in ["handleConnect()", "handleWrite() -> \"GET /path?q=1 HTTP/1.0", "handleRead() -> 0 bytes", "handleClose()"] {
            #expect(client.errorText.contains(hook), "no \(hook) in the hook log")
        }
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        let port = try LocalPeer.listen().port   // bound, then closed: nothing listens there now
        let client = try ChildProcess(product: "http-client", arguments: ["http://127.0.0.1:\(port)/"])
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.output.isEmpty)
        #expect(client.errorText.contains("Connection refused"))
        #expect(client.errorText.split(separator: "\n").count == 1)
    }

    @Test(arguments: ["https://example.org/", "http://:8080/", "http://host:99999/", "example.org"])
    func aBadURLIsAUsageError(url: String) throws {
        let client = try ChildProcess(product: "http-client", arguments: [url])
        #expect(try client.waitForExit() == .exited(2))
        #expect(client.errorText.hasPrefix("http-client: "))
    }
}
