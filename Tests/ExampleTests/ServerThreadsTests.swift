import AsyncCore
import Glibc
import TestSupport
import Testing

/// The servers' `--threads N`: a group of loops serving one port. The long
/// tests block on their own thread, leaving the cooperative pool to others.
@Suite struct ServerThreadsTests {
    static var enoughDescriptors: Bool {
        guard let limit = try? OpenFileLimit.current() else { return false }
        return limit.soft >= 1000 + 1024
    }

    /// 1,000 clients, all connected at once, each sending three lines and
    /// then closing its sending side: each gets exactly its own lines back,
    /// once, and then the close.
    @Test(.enabled(if: enoughDescriptors, "needs a soft descriptor limit of at least 2,024 in the test process"), arguments: [2, 4])
    func aGroupEchoesEveryLineOfAThousandClientsOnce(loops: Int) async throws {
        try await onOwnThread {
            let server = try ServerProcess("echo-server", ["--threads", String(loops), "--quiet"])
            let lines = { (client: Int) in Array((0..<3).map { "client \(client) line \($0)\n" }.joined().utf8) }
            var clients: [LocalPeer] = []
            for _ in 0..<1000 {
                clients.append(try #require(try LocalPeer.connect(to: server.address)))
            }
            for (index, client) in clients.enumerated() {
                #expect(try client.sendAll(lines(index)))
                try client.socket.shutdown(.write)
            }
            var wrong = 0
            for (index, client) in clients.enumerated() where try client.receive(until: { _ in false }) != lines(index) {
                wrong += 1
            }
            #expect(wrong == 0)
            #expect(try server.stop() == .exited(0))
        }
    }

    /// Three members, each on a loop of its own: two write at once, and
    /// every member reads both senders' lines, each sender's in order.
    @Test func theChatRoomKeepsEachSendersOrderAcrossLoops() async throws {
        try await onOwnThread {
            let server = try ServerProcess("chat-server", ["--threads", "3", "--quiet"])
            var members: [LineClient] = []
            for nick in ["alice", "bob", "carol"] {
                let member = LineClient(try #require(try LocalPeer.connect(to: server.address)))
                #expect(try member.readLine() == "*** Welcome to the chat room")
                #expect(try member.readLine() == "*** Choose a nick with /nick NAME")
                try member.send("/nick \(nick)")
                #expect(try member.readLine() == "*** You are now known as \(nick)")
                #expect(try member.readLine()?.hasPrefix("*** In the room: ") == true)
                for earlier in members { #expect(try earlier.readLine() == "*** \(nick) has joined") }
                members.append(member)
            }
            let count = 300
            for batch in stride(from: 1, through: count, by: 10) {
                let numbers = batch..<min(batch + 10, count + 1)
                #expect(try members[0].peer.sendAll(Array(numbers.map { "a\($0)\r\n" }.joined().utf8)))
                #expect(try members[1].peer.sendAll(Array(numbers.map { "b\($0)\r\n" }.joined().utf8)))
            }
            for member in members {
                var fromAlice: [String] = []
                var fromBob: [String] = []
                while fromAlice.count < count || fromBob.count < count, let line = try member.readLine() {
                    if line.hasPrefix("<alice> ") { fromAlice.append(line) }
                    if line.hasPrefix("<bob> ") { fromBob.append(line) }
                }
                #expect(fromAlice == (1...count).map { "<alice> a\($0)" })
                #expect(fromBob == (1...count).map { "<bob> b\($0)" })
            }
            try members[2].send("/who")
            #expect(try members[2].readLine() == "*** In the room: alice, bob, carol")
            #expect(try server.stop() == .exited(0))
        }
    }

    /// bob, on the second loop, stops reading; alice (first loop) writes on
    /// and carol (third loop) keeps reading. bob is dropped as too slow, and
    /// the others are served on to the last line.
    @Test func aSlowMemberOnAnotherLoopIsDroppedWhileTheOthersAreServed() async throws {
        try await onOwnThread {
            let server = try ServerProcess("chat-server", ["--threads", "3", "--max-queued", "4096"])
            var members: [(client: LineClient, address: SocketAddress)] = []
            for nick in ["alice", "bob", "carol"] {
                let peer = try #require(try LocalPeer.connect(to: server.address, receiveBuffer: nick == "bob" ? 4096 : nil))
                let member = LineClient(peer)
                try member.send("/nick \(nick)")
                #expect(try server.process.errorOutputContains("chat-server: \(try peer.address): \(nick) joined\n"))
                members.append((member, try peer.address))
            }
            let (alice, carol) = (members[0].client, members[2].client)
            // The kernel takes a few MiB for bob before the server holds any
            // backlog for him: alice talks, a batch at a time, reading her own
            // lines back, until the server drops him; carol reads all the while.
            let padding = String(repeating: "x", count: 200)
            let dropped = "chat-server: \(members[1].address): bob was disconnected (too slow)\n"
            var heardByCarol: [UInt8] = []
            var wasDropped = false
            var number = 0
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while !wasDropped, ContinuousClock.now < deadline {
                let batch = (0..<200).map { _ in
                    number += 1
                    return "chatter \(number) \(padding)\r\n"
                }
                #expect(try alice.peer.sendAll(Array(batch.joined().utf8)))
                let echoOfLast = "<alice> \(batch[199])"
                _ = try alice.peer.receive { String(decoding: $0, as: UTF8.self).contains(echoOfLast) }
                heardByCarol += try carol.peer.receiveAvailable()
                wasDropped = try server.process.errorOutputContains(dropped, within: .milliseconds(1))
            }
            #expect(wasDropped)
            try alice.send("the last line")
            // alice reads her own lines too, or the server stops reading her.
            let last = Array("<alice> the last line\r\n".utf8)
            while !heardByCarol.ends(with: last), ContinuousClock.now < deadline {
                _ = try alice.peer.receiveAvailable()
                heardByCarol += try carol.peer.receive(limit: .milliseconds(20)) { !$0.isEmpty }
            }
            let carolHeardTheLastLine = heardByCarol.ends(with: last)
            #expect(carolHeardTheLastLine)
            let carolHeardTheDrop = String(decoding: heardByCarol, as: UTF8.self).contains("\r\n*** bob was disconnected (too slow)\r\n")
            #expect(carolHeardTheDrop)
            try carol.send("/who")
            #expect(try carol.readLine() == "*** In the room: alice, carol")
            #expect(try server.stop() == .exited(0))
        }
    }

    @Test(arguments: ["echo-server", "chat-server", "smtp-server"])
    func threadsMustBeAtLeastOne(program: String) throws {
        let process = try ChildProcess(product: program, arguments: ["--threads", "0"])
        #expect(try process.waitForExit() == .exited(2))
        #expect(process.errorText.contains("--threads"), "\(process.errorText)")
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
