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

    static let envelope = """
        C: HELO client.test
        S: 250 mx.test
        C: MAIL FROM:<a@b>
        S: 250 OK
        C: RCPT TO:<c@d>
        S: 250 OK
        C: DATA
        S: 354 End data with <CR><LF>.<CR><LF>
        """

    /// `bytes` in the notation of a ``LegacyDialogue`` `c:` line.
    static func escaped(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { byte in
            switch byte {
            case 13: return "\\r"
            case 10: return "\\n"
            case 92: return "\\\\"
            default: return String(UnicodeScalar(byte))
            }
        }.joined()
    }

    /// The message, its `.` CRLF and a pipelined NOOP, sent in two reads
    /// split at every point: the same message each time, and the NOOP is
    /// read as a command (the framing is back to CRLF lines).
    @Test(arguments: stuffedContents)
    func theChannelFramesContentWhereverTheReadsSplit(_ text: String) throws {
        let stream = Array((text + ".\r\nNOOP\r\n").utf8)
        let expected = Self.unstuffed(Array(text.utf8))
        let runner = DialogueRunner()
        for split in 1..<stream.count {
            let messages = try runner.run(LegacyDialogue("split at \(split)", Self.envelope + """

                c: \(Self.escaped(stream[..<split]))
                c: \(Self.escaped(stream[split...]))
                S: 250 OK
                S: 250 OK
                """), byteAtATime: false)
            #expect(messages.map(\.data) == [expected], "\(text.debugDescription) split at \(split)")
        }
        try runner.check(LegacyDialogue("one read, then a byte a read", Self.envelope + """

            c: \(Self.escaped(stream[...]))
            S: 250 OK
            S: 250 OK
            """))
    }

    /// A message of several reads with long lines and dots at line starts
    /// arrives intact, and the next message on the session too.
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
        let messages = try DialogueRunner().run(LegacyDialogue("a megabyte", Self.envelope + """

            c: \(Self.escaped(stuffed[...])).\\r\\n
            S: 250 OK
            C: MAIL FROM:<a@b>
            S: 250 OK
            C: RCPT TO:<c@d>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: second
            C: .
            S: 250 OK
            """), byteAtATime: false)
        #expect(messages.count == 2)
        #expect(messages.first?.data == expected)
        #expect(messages.last?.data == Array("second\r\n".utf8))
    }
}
