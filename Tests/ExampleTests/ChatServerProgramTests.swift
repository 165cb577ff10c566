import AsyncCore
import Glibc
import TestSupport
import Testing

/// The built `chat-server` binary, run as a user would run it.
@Suite(.serialized) struct ChatServerProgramTests {
    /// Connects and takes the nick `name`; returns the member and its address.
    private func join(_ server: ServerProcess, as name: String, receiveBuffer: Int32? = nil) throws -> (LineClient, SocketAddress) {
        let member = LineClient(try #require(try LocalPeer.connect(to: server.address, receiveBuffer: receiveBuffer)))
        #expect(try member.readLine() == "*** Welcome to the chat room")
        #expect(try member.readLine() == "*** Choose a nick with /nick NAME")
        try member.send("/nick \(name)")
        #expect(try member.readLine() == "*** You are now known as \(name)")
        _ = try member.readLine()
        return (member, try member.peer.address)
    }

    @Test func logsConnectionsJoinsDeliveriesRejectionsAndLeavesWithTheAddress() throws {
        let server = try ServerProcess("chat-server", [])
        let (alice, peer) = try join(server, as: "alice")
        try alice.send("hello")
        #expect(try alice.readLine() == "<alice> hello")
        try alice.send("/dance")
        #expect(try alice.readLine() == "*** error: unknown command /dance; commands are /nick, /me, /who and /quit")
        try alice.send("/quit")
        #expect(try alice.readToEnd() == ["*** Goodbye"])
        #expect(try server.process.errorOutputContains("chat-server: \(peer): disconnected\n"))
        #expect(try server.stop() == .exited(0))
        let lines = server.process.errorText.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("chat-server: open-file limit ") == true)
        #expect(lines.first?.hasSuffix(", lines up to 512 bytes, 65536 bytes of backlog per client, idle timeout none") == true)
        #expect(Array(lines.dropFirst()) == [
            "chat-server: \(peer): connected",
            "chat-server: \(peer): alice joined",
            "chat-server: \(peer): message from alice delivered to 1 member",
            "chat-server: \(peer): rejected: unknown command /dance; commands are /nick, /me, /who and /quit",
            "chat-server: \(peer): alice left",
            "chat-server: \(peer): disconnected",
            "chat-server: SIGTERM: stopping, telling 0 connections",
        ])
    }

    @Test func aSlowMemberIsDroppedAndLogged() throws {
        let server = try ServerProcess("chat-server", ["--max-queued", "4096"])
        let (alice, _) = try join(server, as: "alice")
        let (bob, bobAddress) = try join(server, as: "bob", receiveBuffer: 4096)
        #expect(try alice.readLine() == "*** bob has joined")
        // alice talks and reads her own lines; bob reads nothing. The kernel
        // takes a few MiB for bob before the server holds any backlog for him.
        let lines = Array(repeating: Array(("chatter " + String(repeating: "x", count: 200) + "\r\n").utf8), count: 300).flatMap { $0 }
        let dropped = "chat-server: \(bobAddress): bob was disconnected (too slow)\n"
        var wasDropped = false
        var sent = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while !wasDropped, ContinuousClock.now < deadline {
            sent += try alice.peer.sendSome(lines[...])
            _ = try alice.peer.receiveAvailable()
            wasDropped = try server.process.errorOutputContains(dropped, within: .milliseconds(1))
        }
        #expect(wasDropped, "\(sent) bytes sent; log ends: \(server.process.errorText.suffix(300))")
        _ = bob
        #expect(try server.stop() == .exited(0))
    }

    @Test func shuttingDownTellsAConnectedMemberBeforeTheClose() throws {
        let server = try ServerProcess("chat-server", [])
        let (alice, peer) = try join(server, as: "alice")
        let newcomer = LineClient(try #require(try LocalPeer.connect(to: server.address)))
        #expect(try newcomer.readLine() == "*** Welcome to the chat room")
        server.process.send(signal: SIGTERM)
        #expect(try alice.readToEnd() == ["*** Server shutting down"])
        #expect(try newcomer.readToEnd() == ["*** Choose a nick with /nick NAME", "*** Server shutting down"])
        #expect(try server.process.waitForExit() == .exited(0))
        #expect(server.process.errorText.contains("chat-server: SIGTERM: stopping, telling 2 connections\n"))
        #expect(server.process.errorText.contains("chat-server: \(peer): disconnected\n"))
        #expect(!server.process.errorText.contains("left"))
    }

    @Test func quietLogsNothing() throws {
        let server = try ServerProcess("chat-server", ["--quiet"])
        let (alice, _) = try join(server, as: "alice")
        try alice.send("/quit")
        #expect(try alice.readToEnd() == ["*** Goodbye"])
        #expect(try server.stop() == .exited(0))
        #expect(server.process.errorText == "")
    }
}
