#if TLS
import AsyncChat
import AsyncCore
import AsyncTLS
import ProtocolTesting
import TestSupport
import Testing

/// The kit's `C^` step: dialogues that switch to TLS in the middle (STARTTLS)
/// or from the first byte, with the client's bytes split at every position
/// before and after the switch.
@Suite("TLS step")
struct TLSStepTests {
    private static let context: TLSContext? = try? TLSContext(
        certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key)

    /// Echoes lines as `echo LINE`; `STARTTLS` is answered in the clear,
    /// then the connection switches to TLS.
    private final class StartTLSEcho: ChatChannel {
        override func foundTerminator() throws {
            let line = takeIncomingText() ?? ""
            if line == "STARTTLS", let socket, let context = TLSStepTests.context {
                push("220 go ahead\r\n")
                upgradeWhenDone(to: try TLSLayer(socket: socket, context: context))
            } else {
                push("echo \(line)\r\n")
            }
        }
    }

    private let startTLSServer = ServerUnderTest.inProcess { socket, loop in try StartTLSEcho(socket: socket, loop: loop) }

    @Test func aStartTLSDialogueRunsUnderEveryChunking() throws {
        let dialogue = try Dialogue(transcript: """
            C: hello
            S: echo hello
            C: STARTTLS
            S: 220 go ahead
            C^
            C: secret
            C: more
            S: echo secret
            S: echo more
            """, name: "starttls.txt")
        try dialogue.run(against: startTLSServer, chunking: .all())
    }

    /// The command injection of CVE-2011-0411: a line sent with STARTTLS in
    /// the same segment is never answered, in the clear or through TLS.
    @Test func aLineSentWithStartTLSInOneSegmentIsNeverAnswered() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.send(bytes: Array("STARTTLS\r\nRSET\r\n".utf8))
            client.expect("220 go ahead")
            client.startTLS()
            client.send("NOOP")
            client.expect("echo NOOP")
        }
        try dialogue.run(against: startTLSServer)
    }

    @Test func aServerThatSaysMoreBeforeTheHandshakeFailsTheStep() throws {
        let chatty = ServerUnderTest.inProcess { socket, loop in
            let channel = try StartTLSEcho(socket: socket, loop: loop)
            channel.push("220 go ahead\r\n250 and more\r\n")
            channel.upgradeWhenDone(to: try TLSLayer(socket: socket, context: TLSStepTests.context!))
            return channel
        }
        let client = Client()
        let dialogue = Dialogue {
            client.expect("220 go ahead")
            client.startTLS()
        }
        let failure = try #require(throws: DialogueFailure.self) { try dialogue.run(against: chatty) }
        #expect(failure.kind == .unexpectedOutput)
        #expect(failure.description.contains("received: S: 250 and more"))
    }

    @Test func aServerSpeakingTLSFromTheFirstByte() throws {
        let implicit = ServerUnderTest.inProcess { socket, loop in
            let channel = try StartTLSEcho(socket: socket, loop: loop)
            try channel.upgrade(to: TLSLayer(socket: socket, context: TLSStepTests.context!))
            channel.push("welcome\r\n")
            return channel
        }
        let dialogue = try Dialogue(transcript: """
            C^ localhost
            S: welcome
            C: hi
            S: echo hi
            """, name: "implicit.txt")
        try dialogue.run(against: implicit, chunking: .all())
    }

    @Test func aServerThatNeverAnswersTheHandshakeFailsTheStepInTime() throws {
        let client = Client()
        let dialogue = Dialogue {
            DialogueStep.deadline(.milliseconds(200))
            client.send("hello")
            client.expect("echo hello")
            client.startTLS()
        }
        let failure = try #require(throws: DialogueFailure.self) { try dialogue.run(against: startTLSServer) }
        #expect(failure.kind == .deadlineExceeded)
        #expect(failure.description.contains("received: no TLS handshake within 200ms"), "\(failure)")
    }

    @Test func theStepIsWrittenAsATranscriptWritesIt() {
        #expect(Client().startTLS().description == "C^")
        #expect(Client("alice").startTLS(serverName: "mx.test").description == "@alice C^ mx.test")
    }
}
#endif
