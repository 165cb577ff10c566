import ProtocolTesting
import SMTP
import Testing

/// The stage hooks of `SMTPHandler`, answered during the hook (early) and
/// from another thread after other sessions were served (late), with each
/// class of reply. `ScriptedHandler` takes its decisions from the names the
/// dialogue uses.
@Suite struct HookTests {
    static let ehlo = ["SIZE 33554432", "8BITMIME", "PIPELINING", "HELP"]

    /// Runs `dialogue` with a fresh `ScriptedHandler` per run; returns what
    /// the hooks recorded, the same in every run.
    static func hooks(
        _ dialogue: Dialogue, configuration: SMTPConfiguration = .testing(), connect: [String] = [],
        keepsContent: Bool = true, chunking: ChunkingPlan = .all(maxSplits: 24),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String] {
        try SMTPTestServer(configuration: configuration).recordings(of: [dialogue], chunking: chunking, sourceLocation: sourceLocation) { log in
            ScriptedHandler(log: log, connect: connect, keepsContent: keepsContent)
        }
    }

    static func envelope(_ client: Client, from: String = "a@x") -> [DialogueStep] {
        [client.expectGreeting()] + client.ehlo("c", extensions: ehlo) + client.command("MAIL FROM:<\(from)>", "250 OK")
    }

    static let codes = [250, 251, 450, 451, 452, 550, 551, 552, 553]

    @Test(arguments: codes)
    func recipientAnsweredEarly(code: Int) throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("RCPT answered \(code) at once") {
            Self.envelope(client)
            client.command("RCPT TO:<r\(code)@x>", "\(code) Decided \(code)")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("Subject: hi")
            client.command(".", "250 OK")
        })
        let first = code < 400 ? ["r\(code)@x"] : []
        #expect(recorded == [
            "connect", "EHLO c", "MAIL a@x", "RCPT r\(code)@x after []", "RCPT b@x after \(first)",
            "message of 13 bytes, kept 13, streamed \"Subject: hi\\r\\n\"",
        ])
    }

    /// The answer comes from another thread once a second session has been
    /// served; the pipelined NOOP after the RCPT waits for it, in order.
    @Test(arguments: codes)
    func recipientAnsweredLateAfterAnotherSession(code: Int) throws {
        let alice = Client("alice"), bob = Client("bob")
        let recorded = try Self.hooks(Dialogue("RCPT answered \(code) late") {
            Self.envelope(alice)
            alice.send("RCPT TO:<late-r\(code)@x>")
            alice.send("NOOP")
            bob.expectGreeting()
            bob.command("HELO b", "250 mx.test")
            bob.command("MAIL FROM:<b@x>", "250 OK")
            bob.command("RCPT TO:<release@x>", "250 OK")
            alice.expect("\(code) Decided \(code)")
            alice.expect("250 OK")
            alice.command("QUIT", "221 Bye")
            alice.expectClose()
            bob.command("QUIT", "221 Bye")
            bob.expectClose()
        })
        #expect(recorded == [
            "connect", "EHLO c", "MAIL a@x", "RCPT late-r\(code)@x after []", "connect", "HELO b", "MAIL b@x",
            "RCPT release@x after []",
        ])
    }

    @Test func everyStageAnsweredLate() throws {
        let alice = Client("alice"), bob = Client("bob")
        // Each of alice's stages is held until bob's next command releases it.
        let release = { (step: Int) in bob.command("MAIL FROM:<release\(step)@x>", "250 OK") + bob.command("RSET", "250 OK") }
        let recorded = try Self.hooks(Dialogue("every stage late") {
            bob.expectGreeting()
            bob.command("HELO b", "250 mx.test")
            alice.connect()
            release(0)
            alice.expectGreeting()
            alice.send("EHLO late")
            release(1)
            Array(alice.ehlo("late", extensions: Self.ehlo).dropFirst())
            alice.send("MAIL FROM:<late-r250@x>")
            release(2)
            alice.expect("250 Decided 250")
            alice.send("RCPT TO:<late@x>")
            release(3)
            alice.expect("250 OK")
            alice.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            alice.send("Subject: late-r452")
            alice.send(".")
            release(4)
            alice.expect("452 Decided 452")
        }, connect: ["", "late"], chunking: .only(.whole, .bytes))
        #expect(recorded.filter { !$0.hasPrefix("MAIL release") } == [
            "connect", "HELO b", "connect", "EHLO late", "MAIL late-r250@x", "RCPT late@x after []",
            "message of 20 bytes, kept 20, streamed \"Subject: late-r452\\r\\n\"",
        ])
    }

    @Test func refusedConnectionServesOnlyQUIT() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("554 instead of the greeting") {
            client.expect("554 Decided 554")
            client.command("EHLO c", "503 Error: no service here, send QUIT")
            client.command("MAIL FROM:<a@x>", "503 Error: no service here, send QUIT")
            client.command("QUIT", "221 Bye")
            client.expectClose()
        }, connect: ["r554"])
        #expect(recorded == ["connect"])
    }

    @Test func connectionRefusedWith421IsClosed() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("421 instead of the greeting") {
            client.expect("421 Decided 421")
            client.expectClose()
        }, connect: ["r421"], chunking: .only(.whole))
        #expect(recorded == ["connect"])
    }

    @Test func helloCanBeRefusedOrChangeTheExtensions() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("HELO refused, EHLO without CHUNKING") {
            client.expectGreeting()
            client.command("EHLO r550", "550 Decided 550")
            client.command("MAIL FROM:<a@x>", "503 Error: send HELO first")
            client.ehlo("no-chunking", extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "HELP"])
            client.send(bytes: Array("BDAT 1 LAST\r\n".utf8))
            client.expect("500 Error: command \"BDAT\" not recognized")
        }, configuration: .testing { $0.enableChunking = true })
        #expect(recorded == ["connect", "EHLO r550", "EHLO no-chunking"])
    }

    @Test func senderRefusalLeavesNoTransaction() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("MAIL refused") {
            client.expectGreeting()
            client.ehlo("c", extensions: Self.ehlo)
            client.command("MAIL FROM:<r550@x>", "550 Decided 550")
            client.command("RCPT TO:<b@x>", "503 Error: need MAIL command")
            client.command("MAIL FROM:<r451@x>", "451 Decided 451")
            client.command("MAIL FROM:<a@x>", "250 OK")
        })
        #expect(recorded == ["connect", "EHLO c", "MAIL r550@x", "MAIL r451@x", "MAIL a@x"])
    }

    /// Content streams in pieces: a handler that keeps none sees all of it,
    /// and a refused piece refuses the message and abandons the transaction.
    @Test func contentStreamsAndARefusedPieceRefusesTheMessage() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("streamed content") {
            Self.envelope(client)
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("Subject: one")
            client.send("..dotted")
            client.command(".", "250 OK")
            client.command("MAIL FROM:<a2@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("a VIRUS here")
            client.send("more")
            client.command(".", "554 Virus found")
            client.command("RCPT TO:<b@x>", "503 Error: need MAIL command")
        }, keepsContent: false)
        #expect(recorded == [
            "connect", "EHLO c", "MAIL a@x", "RCPT b@x after []",
            "message of 23 bytes, kept 0, streamed \"Subject: one\\r\\n.dotted\\r\\n\"",
            "MAIL a2@x", "RCPT b@x after []", "abandon a2@x",
        ])
    }

    /// A content piece answered late: reading stops mid-message, the final
    /// dot and the pipelined NOOP behind it wait, then all of it is taken in
    /// order, whatever the reads split.
    @Test func aContentPieceAnsweredLateHoldsTheRestInOrder() throws {
        let alice = Client("alice"), bob = Client("bob")
        let recorded = try Self.hooks(Dialogue("content answered late") {
            Self.envelope(alice)
            alice.command("RCPT TO:<b@x>", "250 OK")
            alice.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            alice.send("one SLOW line")
            alice.send("..two")
            alice.send(".")
            alice.send("NOOP")
            bob.expectGreeting()
            bob.command("HELO b", "250 mx.test")
            bob.command("MAIL FROM:<release@x>", "250 OK")
            alice.expect("250 OK")
            alice.expect("250 OK")
            alice.command("QUIT", "221 Bye")
            alice.expectClose()
        }, keepsContent: false)
        #expect(recorded == [
            "connect", "EHLO c", "MAIL a@x", "RCPT b@x after []", "connect", "HELO b", "MAIL release@x",
            "message of 21 bytes, kept 0, streamed \"one SLOW line\\r\\n.two\\r\\n\"",
        ])
    }

    /// The same with a BDAT chunk, framed by its byte count.
    @Test func aChunkAnsweredLateHoldsTheNextCommand() throws {
        let alice = Client("alice"), bob = Client("bob")
        let recorded = try Self.hooks(Dialogue("chunk answered late") {
            alice.expectGreeting()
            alice.ehlo("c", extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "CHUNKING", "BINARYMIME", "HELP"])
            alice.command("MAIL FROM:<a@x>", "250 OK")
            alice.command("RCPT TO:<b@x>", "250 OK")
            alice.send(bytes: Array("BDAT 9 LAST\r\nSLOW\r\n.\r\nNOOP\r\n".utf8))
            bob.expectGreeting()
            bob.command("HELO b", "250 mx.test")
            bob.command("MAIL FROM:<release@x>", "250 OK")
            alice.expect("250 OK")
            alice.expect("250 OK")
        }, configuration: .testing { $0.enableChunking = true }, keepsContent: false)
        #expect(recorded.last == "message of 9 bytes, kept 0, streamed \"SLOW\\r\\n.\\r\\n\"")
    }

    @Test func anAbandonedTransactionIsReported() throws {
        let client = Client()
        let recorded = try Self.hooks(Dialogue("client leaves mid-DATA") {
            Self.envelope(client)
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("partial")
            client.close()
        })
        #expect(recorded == ["connect", "EHLO c", "MAIL a@x", "RCPT b@x after []", "abandon a@x"])
    }
}

/// Hooks written as async functions of an actor, run by `AsyncHandlerBridge`.
@Suite struct AsyncHandlerTests {
    actor Directory: AsyncSMTPHandler {
        private var seen: [String] = []
        let log: RunLog<String>

        init(log: RunLog<String>) {
            self.log = log
        }

        func recipient(_ address: String, options: [String], of transaction: SMTPTransaction) async -> SMTPDecision {
            await Task.yield()
            seen.append(address)
            return address.hasPrefix("known") ? .accept : .reply(SMTPReply(550, "No such user here"))
        }

        func endOfData(_ message: SMTPMessage) async -> SMTPDecision {
            log.record("\(message.recipients) of \(seen)")
            return .reply(SMTPReply(250, "Queued"))
        }
    }

    @Test func actorHooksDecide() throws {
        let client = Client()
        let log = RunLog<String>()
        let server = ServerUnderTest.smtp(.testing()) {
            log.startRun()
            return AsyncHandlerBridge(Directory(log: log))
        }
        // The hooks run as tasks on the session's loop: however busy Swift's
        // shared pool is with other tests, they need none of its threads.
        let report = try Dialogue("async hooks") {
            HookTests.envelope(client)
            client.send("RCPT TO:<known@x>")
            client.send("RCPT TO:<stranger@x>")
            client.send("DATA")
            client.expect("250 OK")
            client.expect("550 No such user here")
            client.expect("354 End data with <CR><LF>.<CR><LF>")
            client.command(".", "250 Queued")
        }.run(against: server, chunking: .all(maxSplits: 8))
        #expect(log.sameInEveryRun(of: report) == ["[\"known@x\"] of [\"known@x\", \"stranger@x\"]"])
    }
}
