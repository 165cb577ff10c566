import AsyncCore
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
        try connection.socket.shutdown(.write)

        #expect(try client.waitForExit() == .exited(0))
        #expect(client.output == response)
        for hook in ["handleConnect()", "handleWrite() -> \"GET /path?q=1 HTTP/1.0", "handleRead() -> 0 bytes", "handleClose()"] {
            #expect(client.errorText.contains(hook), "no \(hook) in the hook log")
        }
    }

    /// Serves one request on a fresh listener with `response`, then closes;
    /// returns the client's exit status, its output, its standard error and the port.
    private func fetch(answering response: String, arguments: [String] = []) throws -> (TestSupport.ExitStatus, [UInt8], String, UInt16) {
        let listener = try LocalPeer.listen()
        let port = try listener.port
        let client = try ChildProcess(product: "http-client", arguments: arguments + ["http://127.0.0.1:\(port)/page"])
        let connection = try #require(try listener.accept())
        _ = try connection.receive { $0.count >= 4 && Array($0.suffix(4)) == Array("\r\n\r\n".utf8) }
        #expect(try connection.sendAll(Array(response.utf8)))
        try connection.socket.shutdown(.write)
        return (try client.waitForExit(), client.output, client.errorText, port)
    }

    @Test func aResponseThatCameWholeIsLoggedInOneLineAndStatus0() throws {
        let (status, output, errors, port) = try fetch(answering: "HTTP/1.0 200 OK\r\n\r\nhi\n")
        #expect(status == .exited(0))
        #expect(output == Array("HTTP/1.0 200 OK\r\n\r\nhi\n".utf8))
        #expect(errors == "http-client: http://127.0.0.1:\(port)/page: 200 OK, 22 bytes from 127.0.0.1:\(port)\n")
        let (_, _, quietErrors, _) = try fetch(answering: "HTTP/1.0 200 OK\r\n\r\nhi\n", arguments: ["--quiet"])
        #expect(quietErrors.isEmpty)
    }

    /// The response is printed as it came; the status says the fetch failed.
    @Test func anErrorStatusIsStatus1AfterTheResponse() throws {
        let (status, output, errors, port) = try fetch(answering: "HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\ngone")
        #expect(status == .exited(1))
        #expect(output == Array("HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\ngone".utf8))
        #expect(errors == "http-client: http://127.0.0.1:\(port)/page (127.0.0.1:\(port)): the server answered 404 Not Found\n")
    }

    @Test(arguments: ["", "not http\r\n\r\n", "HTTP/1.0 2000 OK\r\n"])
    func aResponseWithoutAStatusLineIsStatus1(response: String) throws {
        let (status, output, errors, port) = try fetch(answering: response)
        #expect(status == .exited(1))
        #expect(output == Array(response.utf8))
        #expect(errors == "http-client: http://127.0.0.1:\(port)/page (127.0.0.1:\(port)): the response has no HTTP status line\n")
    }

    @Test func aSilentServerTimesOutWithTheDurationWrittenAsGiven() throws {
        let listener = try LocalPeer.listen()
        let port = try listener.port
        let client = try ChildProcess(product: "http-client", arguments: ["--timeout", "0.25s", "http://127.0.0.1:\(port)/"])
        let connection = try #require(try listener.accept())
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText == "http-client: http://127.0.0.1:\(port)/ (127.0.0.1:\(port)): no complete response within 250ms\n")
        _ = connection
    }

    @Test func aRefusedConnectionIsOneLineAndStatus1() throws {
        let address = try SocketAddress.nothingListening()
        let client = try ChildProcess(product: "http-client", arguments: ["http://\(address)/"])
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.output.isEmpty)
        #expect(client.errorText.contains("Connection refused"))
        #expect(client.errorText.split(separator: "\n").count == 1)
    }

    @Test(arguments: ["ftp://example.org/", "http://:8080/", "http://host:99999/", "example.org"])
    func aBadURLIsAUsageError(url: String) throws {
        let client = try ChildProcess(product: "http-client", arguments: [url])
        #expect(try client.waitForExit() == .exited(2))
        #expect(client.errorText.hasPrefix("http-client: "))
    }
}
