import AsyncCore
import ProtocolTesting
import SMTP
import Synchronization
import Testing

/// AUTH PLAIN and LOGIN (RFC 4954) at the session, where no TLS is needed:
/// the exchanges, their errors, the error budget, and what the log says.
@Suite struct SMTPAuthTests {
    static let table = SMTPPasswordTable(["alice": "wonderland"])
    static let plainAlice = "AGFsaWNlAHdvbmRlcmxhbmQ="

    /// AUTH offered without TLS (the flag a test server may set).
    private func plaintextAuth(_ change: @escaping @Sendable (inout SMTPConfiguration) -> Void = { _ in }) -> SMTPTestServer {
        SMTPTestServer(configuration: .testing {
            $0.authenticator = SMTPAuthTests.table
            $0.allowsAuthenticationWithoutTLS = true
            change(&$0)
        })
    }

    @Test func plainWithAnInitialResponseAuthenticates() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.ehlo(extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN", "HELP"])
            client.command("AUTH PLAIN \(Self.plainAlice)", "235 Authentication successful")
            client.command("AUTH PLAIN \(Self.plainAlice)", "503 Error: already authenticated")
            client.command("MAIL FROM:<alice@example.com>", "250 OK")
            client.command("RCPT TO:<bob@example.com>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("hi")
            client.command(".", "250 OK")
        }
        try plaintextAuth().run(dialogue, delivering: [
            Delivery(helo: "example", from: "alice@example.com", to: ["bob@example.com"], data: Array("hi\r\n".utf8)),
        ])
    }

    @Test func plainAndLoginWithChallenges() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("AUTH PLAIN", "334 ")
            client.command("*", "501 Authentication cancelled")
            client.command("AUTH LOGIN", "334 VXNlcm5hbWU6")
            client.command("YWxpY2U=", "334 UGFzc3dvcmQ6")
            client.command("d29uZGVybGFuZA==", "235 Authentication successful")
        }
        try plaintextAuth().run(dialogue, delivering: [])
    }

    @Test func badInputGetsItsOwnReply() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.command("AUTH PLAIN \(Self.plainAlice)", "503 Error: send EHLO first")
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("AUTH CRAM-MD5", "504 Unrecognized authentication type")
            client.command("AUTH", "501 Syntax: AUTH mechanism [initial-response]")
            client.command("AUTH PLAIN not*base64", "501 Cannot decode response")
            client.command("AUTH PLAIN YWxpY2U=", "501 Cannot decode response")
            client.command("AUTH LOGIN YWxpY2U=", "334 UGFzc3dvcmQ6")
            client.command("%%%", "501 Cannot decode response")
            client.command("MAIL FROM:<a@example.com>", "250 OK")
            client.command("AUTH PLAIN \(Self.plainAlice)", "503 Error: MAIL transaction in progress")
        }
        try plaintextAuth().run(dialogue, delivering: [])
    }

    /// Wrong credentials are answered 535 and count toward the error
    /// budget; another identity than the user's own is refused too.
    @Test func wrongCredentialsCountTowardTheErrorBudget() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("AUTH PLAIN AGFsaWNlAHdyb25n", "535 Authentication credentials invalid")
            client.command("AUTH PLAIN Ym9iAGFsaWNlAHdvbmRlcmxhbmQ=", "535 Authentication credentials invalid")
            client.command("AUTH LOGIN", "334 VXNlcm5hbWU6")
            client.command("bWFsbG9yeQ==", "334 UGFzc3dvcmQ6")
            client.command("d29uZGVybGFuZA==", "421 mx.test Error: too many bad commands")
            client.expectClose()
        }
        try plaintextAuth { $0.maxErrors = 2 }.run(dialogue, delivering: [])
    }

    @Test func mailCanRequireAuthentication() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("MAIL FROM:<a@example.com>", "530 Authentication required")
            client.command("AUTH PLAIN \(Self.plainAlice)", "235 Authentication successful")
            client.command("MAIL FROM:<a@example.com>", "250 OK")
        }
        try plaintextAuth { $0.requireAuthentication = true }.run(dialogue, delivering: [])
    }

    /// Without TLS, AUTH is not offered, and answered 538.
    @Test func authWithoutTLSIsRefused() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.ehlo(extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "HELP"])
            client.command("AUTH PLAIN \(Self.plainAlice)", "538 Encryption required for requested authentication mechanism")
        }
        try SMTPTestServer(configuration: .testing { $0.authenticator = Self.table }).run(dialogue, delivering: [])
    }

    /// The log names the user that authenticated, never a password nor
    /// what the client sent.
    @Test func theLogNeverHoldsASecret() throws {
        let lines = LogLines()
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("AUTH PLAIN AGFsaWNlAHdyb25n", "535 Authentication credentials invalid")
            client.command("AUTH LOGIN", "334 VXNlcm5hbWU6")
            client.command("YWxpY2U=", "334 UGFzc3dvcmQ6")
            client.command("d29uZGVybGFuZA==", "235 Authentication successful")
            client.command("QUIT", "221 Bye")
            client.expectClose()
        }
        try plaintextAuth { $0.sessionLog = { lines.append($0) } }.run(dialogue, chunking: .only(.whole), delivering: [])
        #expect(lines.all == [
            "connect from unknown[peer-address]",
            "warning: unknown[peer-address]: SASL PLAIN authentication failed",
            "unknown[peer-address]: sasl_method=LOGIN, sasl_username=alice",
            "disconnect from unknown[peer-address] ehlo=1 auth=1/2 quit=1 commands=3/4",
        ])
        for secret in ["wonderland", "wrong", "d29uZGVybGFuZA", "AGFsaWNlAHdyb25n", "YWxpY2U"] {
            #expect(!lines.all.joined().contains(secret))
        }
        let credentials = SMTPCredentials(mechanism: "PLAIN", user: "alice", password: "wonderland")
        #expect("\(credentials)" == "alice (PLAIN)")
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("wonderland") && !String(reflecting: credentials).contains("wonderland"))
    }

    @Test func aPasswordTableReadsUserPasswordLines() throws {
        let table = try SMTPPasswordTable(parsing: "# staff\nalice:wonder:land\r\n\nbob:\n")
        #expect(table.users.sorted() == ["alice", "bob"])
        #expect(table.authenticate(SMTPCredentials(mechanism: "PLAIN", user: "alice", password: "wonder:land")))
        #expect(table.authenticate(SMTPCredentials(mechanism: "PLAIN", user: "bob", password: "")))
        #expect(!table.authenticate(SMTPCredentials(mechanism: "PLAIN", user: "alice", password: "wonder")))
        #expect(!table.authenticate(SMTPCredentials(mechanism: "PLAIN", user: "carol", password: "")))
        #expect(throws: SMTPPasswordTableError.malformedLine(2)) { try SMTPPasswordTable(parsing: "a:b\nno colon\n") }
        #expect(throws: SMTPPasswordTableError.duplicateUser("a", line: 3)) { try SMTPPasswordTable(parsing: "a:b\n\na:c") }
    }
}

/// Log lines from a run's loop thread, read by the test after the run.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
