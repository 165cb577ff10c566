import AsyncCore
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

    @Test func logsEachClientConnectedAndDisconnectedWithItsAddress() throws {
        let server = try ServerProcess("echo-server", [])
        var first = try LocalPeer.connect(port: server.port)
        let peer = try #require(try first?.address)
        #expect(try first?.sendAll(Array("hi\n".utf8)) == true)
        #expect(try first?.receive { $0.count >= 3 } == Array("hi\n".utf8))
        let second = try #require(try LocalPeer.connect(port: server.port))
        #expect(try server.process.errorOutputContains("echo-server: \(try second.address): connected\n"))
        first = nil
        #expect(try server.process.errorOutputContains("echo-server: \(peer): disconnected\n"))
        #expect(try server.stop() == .exited(0))
        let lines = server.process.errorText.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("echo-server: mode line, at most 1048576 pending bytes per client, lines up to 65536 bytes, open-file limit ") == true)
        #expect(Array(lines.dropFirst()) == [
            "echo-server: \(peer): connected",
            "echo-server: \(try second.address): connected",
            "echo-server: \(peer): disconnected",
            "echo-server: SIGTERM: stopping, closing 1 client connection",
            "echo-server: \(try second.address): disconnected",
        ])
    }

    @Test func logsARejectedLineAndAClientPausedForNotReading() throws {
        let server = try ServerProcess("echo-server", ["--max-line", "8", "--max-pending", "4096"])
        let client = try #require(try LocalPeer.connect(to: server.address, receiveBuffer: 4096))
        let peer = try client.address
        #expect(try client.sendAll(Array("123456789\n".utf8)))
        #expect(try client.receive { $0.count >= 22 } == Array("error: line too long\r\n".utf8))
        #expect(try server.process.errorOutputContains("echo-server: \(peer): line rejected: longer than 8 bytes\n"))

        // Lines without reading their echo, until the server stops reading.
        let lines = Array(repeating: Array("1234567\n".utf8), count: 2048).flatMap { $0 }
        var paused = false
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while !paused, ContinuousClock.now < deadline {
            _ = try client.sendSome(lines[...])
            paused = try server.process.errorOutputContains("echo-server: \(peer): not reading its echo: paused at ", within: .milliseconds(10))
        }
        #expect(paused)
        var resumed = false
        while paused, !resumed, ContinuousClock.now < deadline {
            _ = try client.receiveAvailable()
            resumed = try server.process.errorOutputContains("echo-server: \(peer): reading again: ", within: .milliseconds(10))
        }
        #expect(resumed)
        #expect(try server.stop() == .exited(0))
    }

    @Test func quietLogsNothing() throws {
        let server = try ServerProcess("echo-server", ["--quiet", "--max-line", "8"])
        let client = try #require(try LocalPeer.connect(port: server.port))
        #expect(try client.sendAll(Array("123456789\nhi\n".utf8)))
        #expect(try client.receive { $0.count >= 25 } == Array("error: line too long\r\nhi\n".utf8))
        try client.socket.shutdown(.write)
        #expect(try client.receive { _ in false }.isEmpty)
        #expect(try server.stop() == .exited(0))
        #expect(server.process.errorText == "")
    }

    @Test(.enabled(if: LocalPeer.hasIPv6Loopback, "no IPv6 loopback on this machine"), arguments: ["[::1]", "::1"])
    func listensOnTheIPv6LoopbackWrittenEitherWay(host: String) throws {
        let server = try ServerProcess("echo-server", ["--host", host])
        #expect(server.address.host == "::1")
        let client = try #require(try LocalPeer.connect(to: server.address))
        #expect(try client.sendAll(Array("over v6\n".utf8)))
        #expect(try client.receive { $0.count >= 8 } == Array("over v6\n".utf8))
        #expect(try server.process.errorOutputContains("echo-server: [::1]:\(try client.port): connected\n"))
        #expect(try server.stop() == .exited(0))
    }

    @Test func aTakenPortIsOneLineNamingTheAddressAndStatus1() throws {
        let first = try ServerProcess("echo-server", [])
        let second = try ChildProcess(product: "echo-server", arguments: ["--port", String(first.port)])
        #expect(try second.waitForExit() == .exited(1))
        #expect(second.output.isEmpty)
        #expect(second.errorText == "echo-server: cannot listen on 127.0.0.1:\(first.port): bind failed: Address already in use (EADDRINUSE)\n")
        #expect(try first.stop() == .exited(0))
    }

    @Test(arguments: [
        (["--mode", "sideways"], "echo-server: unknown mode 'sideways' (known modes: line, raw)"),
        (["--host", "[127.0.0.1]"], "echo-server: --host takes brackets only around an IPv6 address, as in [::1]; not '[127.0.0.1]'"),
        (["--host", ""], "echo-server: --host needs a host name or address"),
    ])
    func aBadCommandLineIsStatus2(arguments: [String], message: String) throws {
        let server = try ChildProcess(product: "echo-server", arguments: ["--port", "0"] + arguments)
        #expect(try server.waitForExit() == .exited(2))
        #expect(server.output.isEmpty)
        #expect(server.errorText == message + "\nTry 'echo-server --help' for more information.\n")
    }

    /// `--async`: the same echo on async connections, spread over the
    /// group's loops, with the same log lines.
    @Test func asyncServesTheLineEchoOnEveryLoop() throws {
        let server = try ServerProcess("echo-server", ["--async", "--threads", "2", "--max-line", "8"])
        var clients: [LocalPeer] = []
        for index in 0..<4 {
            let client = try #require(try LocalPeer.connect(port: server.port))
            let line = Array("c\(index)\r\n".utf8)
            #expect(try client.sendAll(line + Array("123456789\n".utf8)))
            #expect(try client.receive { $0.count >= line.count + 22 } == line + Array("error: line too long\r\n".utf8))
            clients.append(client)
        }
        let peer = try clients[0].address
        #expect(try server.process.errorOutputContains("echo-server: \(peer): line rejected: longer than 8 bytes\n"))
        #expect(try server.stop() == .exited(0))
        #expect(server.process.errorText.hasPrefix("echo-server: mode line (async), "))
        #expect(server.process.errorText.contains("2 loop threads\n"))
        #expect(server.process.errorText.contains("echo-server: \(peer): connected\n"))
    }

    @Test(arguments: [
        (["--async", "--mode", "raw"], "--async serves the line mode only, not --mode raw"),
        (["--async", "--tls-cert", "cert.pem", "--tls-key", "key.pem"], "--async serves plain TCP only, not with --tls-cert"),
    ])
    func asyncWithWhatItCannotServeIsBadUsage(arguments: [String], message: String) throws {
        let child = try ChildProcess(product: "echo-server", arguments: arguments)
        #expect(try child.waitForExit() == .exited(2))
        #expect(child.errorText.hasPrefix("echo-server: \(message)\n"))
    }
}
