import ProtocolTesting
import SMTP
import Testing

/// BDAT (RFC 3030) with BINARYMIME, and ENHANCEDSTATUSCODES (RFC 2034):
/// both off by default, on here.
@Suite struct BDATTests {
    static let server = SMTPTestServer(configuration: .testing { $0.enableChunking = true; $0.maxMessageSize = 32 })
    static let ehlo = ["SIZE 32", "8BITMIME", "PIPELINING", "CHUNKING", "BINARYMIME", "HELP"]

    static func envelope(_ client: Client, body: String = "") -> [DialogueStep] {
        [client.expectGreeting()] + client.ehlo("c", extensions: ehlo)
            + client.command("MAIL FROM:<a@x>\(body)", "250 OK") + client.command("RCPT TO:<b@x>", "250 OK")
    }

    static func delivery(_ data: String, body: [String] = []) -> Delivery {
        Delivery(helo: "c", from: "a@x", to: ["b@x"], mailOptions: body, data: data.utf8)
    }

    @Test func chunksMakeOneMessageAndBDATZeroLastEndsIt() throws {
        let client = Client()
        try Self.server.run(Dialogue("chunks") {
            Self.envelope(client)
            client.send(bytes: Array("BDAT 5\r\nhel\r\nBDAT 3\r\nlo.BDAT 0 LAST\r\n".utf8))
            client.expect("250 OK, 5 octets received")
            client.expect("250 OK, 3 octets received")
            client.expect("250 OK")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.send(bytes: Array("BDAT 0 LAST\r\n".utf8))
            client.expect("250 OK")
        }, delivering: [Self.delivery("hel\r\nlo."), Self.delivery("")])
    }

    @Test func aBinaryBodyComesByBDATOnly() throws {
        let client = Client()
        let binary: [UInt8] = [0, 13, 46, 13, 10, 46, 13, 10, 255]
        try Self.server.run(Dialogue("BINARYMIME") {
            Self.envelope(client, body: " BODY=BINARYMIME")
            client.command("DATA", "503 Error: BODY=BINARYMIME needs BDAT")
            client.send(bytes: Array("BDAT 9 LAST\r\n".utf8) + binary)
            client.expect("250 OK")
        }, delivering: [Delivery(helo: "c", from: "a@x", to: ["b@x"], mailOptions: ["BODY=BINARYMIME"], data: binary)])
    }

    @Test func aChunkOverTheSizeLimitIsReadAndRefused() throws {
        // The 40 bytes are read past (not taken as commands); the
        // transaction is over, so the next chunk's bytes are read and refused too.
        let client = Client()
        let big = String(repeating: "x", count: 40)
        try Self.server.run(Dialogue("BDAT over SIZE") {
            Self.envelope(client)
            client.send(bytes: Array("BDAT 30\r\n\(big.prefix(30))BDAT 10\r\n\(big.prefix(10))BDAT 2 LAST\r\nxyNOOP\r\n".utf8))
            client.expect("250 OK, 30 octets received")
            client.expect("552 Error: Too much mail data")
            client.expect("503 Error: need MAIL command")
            client.expect("250 OK")
        }, delivering: [])
    }

    @Test func dataAfterBDATAndBDATAfterData() throws {
        let client = Client()
        try Self.server.run(Dialogue("DATA and BDAT do not mix") {
            Self.envelope(client)
            client.send(bytes: Array("BDAT 2\r\nabDATA\r\n".utf8))
            client.expect("250 OK, 2 octets received")
            client.expect("503 Error: DATA after BDAT, send RSET")
            client.command("RSET", "250 OK")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("BDAT 3 LAST")
            client.command(".", "250 OK")
            client.send(bytes: Array("BDAT 3 LAST\r\nxyzNOOP\r\n".utf8))
            client.expect("503 Error: need MAIL command")
            client.expect("250 OK")
        }, delivering: [Self.delivery("BDAT 3 LAST\r\n")])
    }

    @Test func badBDATCommands() throws {
        let client = Client()
        try Self.server.run(Dialogue("BDAT syntax") {
            client.expectGreeting()
            client.command("BDAT 1", "500 Error: command \"BDAT\" not recognized")
            client.ehlo("c", extensions: Self.ehlo)
            client.command("BDAT", "501 Syntax: BDAT count [LAST]")
            client.command("BDAT x", "501 Syntax: BDAT count [LAST]")
            client.command("BDAT 1 FIRST", "501 Syntax: BDAT count [LAST]")
            client.send(bytes: Array("BDAT 0\r\n".utf8))
            client.expect("503 Error: need MAIL command")
            client.command("BDAT 99999999999999999999", "552 Error: message size exceeds fixed maximum message size")
            client.expectClose()
        }, delivering: [])
    }

    @Test func enhancedStatusCodesWhenOffered() throws {
        let client = Client()
        let server = SMTPTestServer(configuration: .testing { $0.enhancedStatusCodes = true })
        try server.run(Dialogue("ENHANCEDSTATUSCODES") {
            client.expectGreeting()
            client.command("MAIL FROM:<a@x>", "503 Error: send HELO first")
            client.ehlo("c", extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "ENHANCEDSTATUSCODES", "HELP"])
            client.command("MAIL FROM:<a@x>", "250 2.1.0 OK")
            client.command("RCPT TO:<b@x>", "250 2.1.5 OK")
            client.command("RCPT TO:<b@x> X=Y", "555 5.5.4 RCPT TO parameters not recognized or not implemented")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.command(".", "250 2.0.0 OK")
            client.command("FOO", "500 5.5.2 Error: command \"FOO\" not recognized")
            client.command("QUIT", "221 2.0.0 Bye")
            client.expectClose()
        }, delivering: [Delivery(helo: "c", from: "a@x", to: ["b@x"], data: [])])
    }

    @Test func enhancedCodesOfHandlerReplies() {
        #expect(SMTPReply(550, "No such user", enhancedCode: "5.1.1").enhancedCode == "5.1.1")
        #expect(SMTPReply(550, "No such user", enhancedCode: "4.1.1").enhancedCode == nil)
        #expect(SMTPReply(550, "No such user", enhancedCode: "5.1").enhancedCode == nil)
        #expect(SMTPReply(550, "No such user", enhancedCode: "5.1234.1").enhancedCode == nil)
    }
}
