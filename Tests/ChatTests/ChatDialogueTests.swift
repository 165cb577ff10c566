import Chat
import ProtocolTesting
import Testing

/// Dialogues built in Swift, where loops say it better than a transcript.
@Suite struct ChatDialogueTests {
    let alice = Client("alice"), bob = Client("bob"), carol = Client("carol")

    @Test func anOverlongLineGetsAnErrorAndTheNextLineIsServed() throws {
        let dialogue = Dialogue {
            join(alice)
            alice.send(String(repeating: "a", count: 513))
            alice.send(String(repeating: "b", count: 512))
            alice.expect("*** error: line longer than 512 bytes; ignored")
            alice.expect("<alice> " + String(repeating: "b", count: 512))
        }
        try dialogue.run(against: chatRoom(), chunking: .all(maxSplits: 200))
    }

    @Test func aSlowReaderIsDisconnectedWhileTheOthersAreServed() throws {
        var options = ChatOptions()
        options.maxQueuedOutput = 4096
        let lines = (1...200).map { "line \($0) " + String(repeating: "x", count: 50) }
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            join(carol, after: [alice, bob])
            bob.stopReading()
            for line in lines { alice.send(line) }
            // bob's backlog passes the bound somewhere in the burst: the others
            // are told once, and get every line before and after.
            alice.skipLines(until: "*** bob was disconnected (too slow)")
            alice.skipLines(until: .exactly("<alice> " + lines[199]))
            carol.skipLines(until: "*** bob was disconnected (too slow)")
            carol.skipLines(until: .exactly("<alice> " + lines[199]))
            carol.send("/who")
            carol.expect("*** In the room: alice, carol")
            carol.send("still here")
            alice.expect("<carol> still here")
            carol.expect("<carol> still here")
            // bob catches up: his backlog, then the notice, then the close
            bob.resumeReading()
            bob.skipLines(until: "*** You are too slow to keep up; disconnecting")
            bob.expectClose()
        }
        try dialogue.run(against: chatRoom(options, socketBufferSize: 4096))
    }

    @Test func aPipelinedBurstDoesNotMakeHealthyReadersLookSlow() throws {
        var options = ChatOptions()
        options.maxQueuedOutput = 4096
        let lines = (1...300).map { "burst \($0)" }
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            join(carol, after: [alice, bob])
            for line in lines { alice.send(line) }
            for line in lines {
                alice.expect("<alice> \(line)")
                bob.expect("<alice> \(line)")
                carol.expect("<alice> \(line)")
            }
        }
        try dialogue.run(against: chatRoom(options, socketBufferSize: 4096), chunking: .only(.whole, .random(seed: 1)))
    }

    @Test func aMemberThatDisconnectsIsAnnouncedOnce() throws {
        let dialogue = Dialogue {
            join(alice)
            join(bob, after: [alice])
            bob.send("bye for now")
            bob.shutdownOutput()
            alice.expect("<bob> bye for now")
            bob.expect("<bob> bye for now")
            bob.expectClose()
            alice.expect("*** bob has left (connection closed)")
            alice.send("/who")
            alice.expect("*** In the room: alice")
        }
        try dialogue.run(against: chatRoom(), chunking: .all())
    }
}
