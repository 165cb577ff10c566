import ProtocolTesting
@testable import SMTP
import Testing

/// Message content taken in bulk (framed by `.` CRLF, not by line): the
/// transparency dots, the end of data and the smuggling defences hold
/// wherever the reads split the bytes.
@Suite struct BulkDataTests {
    /// Content as sent (before the final `.` CRLF; no line is a lone dot),
    /// each case ending in CRLF or empty, with the dots, bare CRs and bare
    /// LFs that could confuse a scanner.
    static let stuffedContents: [String] = [
        "",
        "\r\n",
        "..\r\n",
        "...\r\n",
        ".a\r\n..b\r\nc.\r\n. \r\n",
        "\r\n\r\n.\r\r\n",
        "x\n.\r\ny\r.\r\nz\r\n.\nw\r\n",
        "one\n.\ntwo\r.\rthree\r\n\r.\r\n",
        ".\r.\n.\r\n..\r\n",
        "a.b.c\r\n.d.e.\r\n",
    ]

    /// RFC 5321 section 4.5.2 by its own words: split into CRLF lines and
    /// drop one leading dot from each.
    static func unstuffed(_ stuffed: [UInt8]) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < stuffed.count {
            if index + 1 < stuffed.count, stuffed[index] == 13, stuffed[index + 1] == 10 {
                lines.append(current)
                current = []
                index += 2
            } else {
                current.append(stuffed[index])
                index += 1
            }
        }
        return lines.flatMap { ($0.first == 46 ? Array($0.dropFirst()) : $0) + [13, 10] }
    }

    /// Feeds `pieces` to fresh content; returns it.
    static func content(_ pieces: [ArraySlice<UInt8>], limit: Int? = nil) -> MessageContent {
        var content = MessageContent(limit: limit, expectedSize: 0)
        for piece in pieces { content.append(stuffed: piece) }
        return content
    }

    @Test(arguments: stuffedContents)
    func dotsAreDroppedWhereverTheInputIsSplit(_ text: String) {
        let stuffed = Array(text.utf8)
        let expected = Self.unstuffed(stuffed)
        var splits: [[ArraySlice<UInt8>]] = [[stuffed[...]], stuffed.map { [$0][...] }]
        for first in 0...stuffed.count {
            for second in first...stuffed.count {
                splits.append([stuffed[..<first], stuffed[first..<second], stuffed[second...]])
            }
        }
        for pieces in splits {
            var content = Self.content(pieces)
            #expect(content.isAtLineStart, "\(text.debugDescription) in \(pieces.map(\.count))")
            #expect(content.finish() == expected, "\(text.debugDescription) in \(pieces.map(\.count))")
        }
    }

    @Test(arguments: stuffedContents)
    func aLoneDotLineIsSeenWhereverItIsSplit(_ text: String) {
        let loneDot = Array((text + ".").utf8)
        let notAlone = Array((text + "..").utf8)
        for split in 0...loneDot.count {
            #expect(Self.content([loneDot[..<split], loneDot[split...]]).isLoneDot)
        }
        for split in 0...notAlone.count {
            let content = Self.content([notAlone[..<split], notAlone[split...]])
            #expect(!content.isLoneDot && !content.isAtLineStart)
        }
    }

    @Test func theLimitCountsUnstuffedBytesAndKeepsNoMore() {
        // smtpd's measure: the last CRLF is not counted, so limit + 2 bytes fit.
        var fits = Self.content([Array("..12345678\r\n".utf8)[...]], limit: 9)
        #expect(fits.finish() == Array(".12345678\r\n".utf8))
        var tooLong = Self.content([Array("1234567890".utf8)[...], Array("\r\n".utf8)[...]], limit: 9)
        #expect(tooLong.finish() == nil)
    }

    // MARK: Over a connection

    /// HELO, MAIL, RCPT and DATA, answered.
    static func envelope(_ client: Client) -> [DialogueStep] {
        [client.expectGreeting()]
            + client.command("HELO client.test", "250 mx.test")
            + client.command("MAIL FROM:<a@b>", "250 OK")
            + client.command("RCPT TO:<c@d>", "250 OK")
            + client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
    }

    /// The message of ``envelope(_:)`` with `data` as its content.
    static func delivery(_ data: [UInt8]) -> Delivery {
        Delivery(helo: "client.test", from: "a@b", to: ["c@d"], data: data)
    }

    /// The message, its `.` CRLF and a pipelined NOOP in one send, under
    /// every chunking (the whole stream in one read, a byte a read, and two
    /// reads split at every point): the same message each time, and the
    /// NOOP is read as a command (the framing is back to CRLF lines).
    @Test(arguments: stuffedContents)
    func theChannelFramesContentWhereverTheReadsSplit(_ text: String) throws {
        let client = Client()
        let dialogue = Dialogue("content \(text.debugDescription)") {
            Self.envelope(client)
            client.send(bytes: Array((text + ".\r\nNOOP\r\n").utf8))
            client.expect("250 OK")
            client.expect("250 OK")
        }
        try SMTPTestServer(configuration: .testing()).run(dialogue, delivering: [Self.delivery(Self.unstuffed(Array(text.utf8)))])
    }

    /// A message of several reads with long lines and dots at line starts
    /// arrives intact, and the next message on the session too. A long
    /// script: whole and a few random cuts.
    @Test func aMegabyteMessageArrivesIntact() throws {
        var stuffed: [UInt8] = []
        var expected: [UInt8] = []
        var line = 0
        while stuffed.count < 1 << 20 {
            // Lines of 1 to 9,000 bytes, a fifth of them starting with a dot.
            let length = (line * 7919) % 9000 + 1
            let body = [UInt8](repeating: UInt8(ascii: "a") + UInt8(line % 26), count: length)
            let dotted = line % 5 == 0
            stuffed += (dotted ? [46] : []) + body + [13, 10]
            expected += body + [13, 10]
            line += 1
        }
        let client = Client()
        let dialogue = Dialogue("a megabyte") {
            Self.envelope(client)
            client.send(bytes: stuffed + Array(".\r\n".utf8))
            client.expect("250 OK")
            client.command("MAIL FROM:<a@b>", "250 OK")
            client.command("RCPT TO:<c@d>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("second")
            client.command(".", "250 OK")
        }
        try SMTPTestServer(configuration: .testing()).run(
            dialogue, chunking: .only(.whole, .random(seed: 1), .random(seed: 2)),
            delivering: [Self.delivery(expected), Self.delivery(Array("second\r\n".utf8))])
    }
}
