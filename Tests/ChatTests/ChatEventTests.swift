import AsyncCore
import Chat
import ProtocolTesting
import Synchronization
import Testing

/// What the room reports through `onEvent`, and its shutdown notice.
@Suite struct ChatEventTests {
    let alice = Client("alice"), bob = Client("bob"), carol = Client("carol")

    /// The events of one run, in order; filled on the run's thread, read after it.
    final class EventRecord: Sendable {
        private let events = Mutex<[ChatEvent.Kind]>([])
        var kinds: [ChatEvent.Kind] { events.withLock { $0 } }

        func append(_ event: ChatEvent) {
            events.withLock { $0.append(event.kind) }
        }
    }

    /// A room that records its events, and shuts down `shutDownAfter` into
    /// the run's virtual time.
    private func room(
        recording record: EventRecord, _ options: ChatOptions = ChatOptions(), socketBufferSize: Int? = nil,
        shutDownAfter delay: Duration? = nil
    ) -> ServerUnderTest {
        .inProcess(socketBufferSize: socketBufferSize, setUp: { loop in
            let room = ChatRoom(loop: loop, options: options)
            room.onEvent = record.append
            if let delay { loop.schedule(after: delay) { room.shutDown() } }
            return { socket in try room.admit(socket) }
        })
    }

    @Test func joinsDeliveriesRenamesRejectionsAndLeavesAreReportedInOrder() throws {
        let record = EventRecord()
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            alice.send("hello")
            alice.expect("<alice> hello")
            bob.expect("<alice> hello")
            bob.send("/me waves")
            bob.expect("* bob waves")
            alice.expect("* bob waves")
            bob.send("/nick robert")
            bob.expect("*** You are now known as robert")
            alice.expect("*** bob is now known as robert")
            alice.send(String(repeating: "a", count: 513))
            alice.expect("*** error: line longer than 512 bytes; ignored")
            bob.send("/quit")
            bob.expect("*** Goodbye")
            bob.expectClose()
            alice.expect("*** robert has left")
            alice.send("/quit")
            alice.expect("*** Goodbye")
            alice.expectClose()
        }
        try dialogue.run(against: room(recording: record))
        #expect(record.kinds == [
            .connected, .joined(nick: "alice"),
            .connected, .joined(nick: "bob"),
            .delivered(nick: "alice", members: 2),
            .delivered(nick: "bob", members: 2),
            .renamed(from: "bob", to: "robert"),
            .rejected(reason: "line longer than 512 bytes; ignored"),
            .left(nick: "robert", reason: .quit), .disconnected,
            .left(nick: "alice", reason: .quit), .disconnected,
        ])
    }

    @Test func aSlowMemberDroppedIsReportedOnce() throws {
        let record = EventRecord()
        var options = ChatOptions()
        options.maxQueuedOutput = 4096
        let lines = (1...200).map { "line \($0) " + String(repeating: "x", count: 50) }
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            bob.stopReading()
            for line in lines { alice.send(line) }
            alice.skipLines(until: "*** bob was disconnected (too slow)")
            alice.skipLines(until: .exactly("<alice> " + lines[199]))
            bob.resumeReading()
            bob.skipLines(until: "*** You are too slow to keep up; disconnecting")
            bob.expectClose()
        }
        try dialogue.run(against: room(recording: record, options, socketBufferSize: 4096))
        #expect(record.kinds.filter { $0 == .left(nick: "bob", reason: .tooSlow) }.count == 1)
        #expect(record.kinds.last == .disconnected)
        #expect(!record.kinds.contains(.left(nick: "bob", reason: .connectionClosed)))
    }

    @Test func shuttingDownTellsEveryConnectionAndClosesIt() throws {
        let record = EventRecord()
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            carol.expect("*** Welcome to the chat room")
            carol.expect("*** Choose a nick with /nick NAME")
            DialogueStep.advanceClock(by: .seconds(60))
            // Nobody is told of the others leaving: only the notice, then the close.
            alice.expect("*** Server shutting down")
            alice.expectClose()
            bob.expect("*** Server shutting down")
            bob.expectClose()
            carol.expect("*** Server shutting down")
            carol.expectClose()
        }
        try dialogue.run(against: room(recording: record, shutDownAfter: .seconds(60)), chunking: .all())
        #expect(record.kinds.suffix(3) == [.disconnected, .disconnected, .disconnected])
        #expect(!record.kinds.contains { if case .left = $0 { true } else { false } })
    }

    @Test func aMemberBehindOnReadingGetsItsBacklogBeforeTheNotice() throws {
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            alice.stopReading()
            for number in 1...3 { bob.send("line \(number)") }
            for number in 1...3 { bob.expect("<bob> line \(number)") }
            DialogueStep.advanceClock(by: .seconds(60))
            bob.expect("*** Server shutting down")
            bob.expectClose()
            alice.resumeReading()
            for number in 1...3 { alice.expect("<bob> line \(number)") }
            alice.expect("*** Server shutting down")
            alice.expectClose()
        }
        try dialogue.run(against: room(recording: EventRecord(), shutDownAfter: .seconds(60)))
    }
}
