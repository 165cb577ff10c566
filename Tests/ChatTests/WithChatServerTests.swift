import AsyncCore
import Chat
import ProtocolTesting
import TestSupport
import Testing

/// `withChatServer`: a room on a loop thread for the length of a test.
@Suite struct WithChatServerTests {
    @Test func aDialogueTalksToTheRoomAndItsEventsAreHeard() async throws {
        let record = ChatEventTests.EventRecord()
        let alice = Client("alice")
        let address = try await withChatServer(on: .ownLoopback(), onEvent: record.append) { address in
            try await Dialogue {
                join(alice)
                alice.send("/quit")
                alice.expect("*** Goodbye")
                alice.expectClose()
            }.run(against: .tcp(host: address.host, port: address.port ?? 0))
            return address
        }
        #expect(Array(record.kinds.prefix(3)) == [.connected, .joined(nick: "alice"), .left(nick: "alice", reason: .quit)])
        #expect(try address.refusesConnections)
    }

    @Test func aFailingTestStillStopsTheServer() async throws {
        struct BotBroke: Error {}
        var address: SocketAddress?
        await withKnownIssue {
            try await withChatServer(on: .ownLoopback()) { bound in
                address = bound
                throw BotBroke()
            }
        }
        let stopped = try #require(address)
        #expect(stopped.host.hasPrefix("127.1."))
        #expect(try stopped.refusesConnections)
    }
}
