import AsyncCore
import ProtocolTesting
import SMTP
import Testing

/// The SMTP article's policy answers from another thread, and the session
/// waits for it, pipelined commands included, in order.
@Suite("SMTP: a recipient policy answered from another thread")
struct RecipientPolicyTests {
    @Test func refusesUnknownRecipientsInOrder() throws {
        let server = ServerUnderTest.inProcess(setUp: { loop in
            let policy = Policy(directory: MailboxDirectory(["alice@example.com"]))
            return { socket in
                try SMTPChannel(
                    socket: socket, peer: .ipv4("192.0.2.1", port: 50000),
                    configuration: SMTPConfiguration(hostname: "mx.test"), handler: policy, loop: loop)
            }
        })
        let dialogue = try Dialogue(transcript: """
            S~ ^220 mx\\.test .*
            C: HELO client.example
            S~ ^250 .*
            C: MAIL FROM:<a@example.com>
            C: RCPT TO:<bob@example.com>
            C: RCPT TO:<alice@example.com>
            S: 250 OK
            S~ ^550 (5\\.1\\.1 )?No such user here$
            S: 250 OK
            C: QUIT
            S: 221 Bye
            S=
            """, name: "policy.txt")
        try dialogue.run(against: server, chunking: .all())
    }
}
