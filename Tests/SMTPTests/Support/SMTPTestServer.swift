import ProtocolTesting
import SMTP
import Testing

/// An SMTP server for the kit's in-process runs whose handler records every
/// message it accepts, so a test can require each run of a dialogue (each
/// chunking) to deliver exactly the same messages.
struct SMTPTestServer: Sendable {
    var configuration: SMTPConfiguration
    /// The handler's reply to each message.
    var reply: @Sendable (SMTPMessage) -> SMTPReply = SMTPTestServer.dummyServerReply

    /// test_smtpd's DummyServer: `250 Okish` for the content "return
    /// status", `250 SMTPUTF8 message okish` for SMTPUTF8 messages, else `250 OK`.
    static func dummyServerReply(_ message: SMTPMessage) -> SMTPReply {
        if message.data == Array("return status\r\n".utf8) { return SMTPReply(250, "Okish") }
        if message.mailOptions.contains("SMTPUTF8") { return SMTPReply(250, "SMTPUTF8 message okish") }
        return .ok
    }

    /// Runs `dialogue` under every chunking of `plan` and requires every run
    /// to deliver exactly `expected`, in order.
    func run(
        _ dialogue: Dialogue, chunking plan: ChunkingPlan = .all(), delivering expected: [Delivery],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try run([dialogue], chunking: plan, delivering: expected, sourceLocation: sourceLocation)
    }

    /// Runs `sessions` (a transcript's ``Dialogue/sessions``) as
    /// ``recordings(of:chunking:sourceLocation:handler:)`` does and requires
    /// them to deliver exactly `expected`, in order.
    func run(
        _ sessions: [Dialogue], chunking plan: ChunkingPlan = .all(), delivering expected: [Delivery],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reply = self.reply
        let delivered = try recordings(of: sessions, chunking: plan, sourceLocation: sourceLocation) { log in
            ClosureHandler { message in
                log.record(Delivery(message))
                return reply(message)
            }
        }
        #expect(delivered == expected, sourceLocation: sourceLocation)
    }

    /// Runs each of `sessions` under every chunking of `plan`, with a
    /// handler made by `handler` for each run, and returns what the handlers
    /// recorded in the log they were given, session after session, once
    /// every run of a session is known to have recorded the same.
    func recordings<Entry>(
        of sessions: [Dialogue], chunking plan: ChunkingPlan = .all(), sourceLocation: SourceLocation = #_sourceLocation,
        handler: @escaping @Sendable (RunLog<Entry>) -> any SMTPHandler
    ) throws -> [Entry] {
        var recorded: [Entry] = []
        for session in sessions {
            let log = RunLog<Entry>()
            let server = ServerUnderTest.smtp(configuration) {
                log.startRun()
                return handler(log)
            }
            let report = try session.run(against: server, chunking: plan)
            recorded += log.sameInEveryRun(of: report, sourceLocation: sourceLocation)
        }
        return recorded
    }
}
