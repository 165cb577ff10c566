import ProtocolTesting
import SMTP
import Testing

/// A 32 MiB message through a handler that keeps none of it: the session
/// hands it over a read at a time and holds no body.
@Suite struct StreamedBodyTests {
    /// Counts the content and keeps its first and last bytes; nothing else.
    final class Digest: SMTPHandler {
        let log: RunLog<String>
        var size = 0
        var head: [UInt8] = []
        var tail: [UInt8] = []
        var largestPiece = 0

        init(log: RunLog<String>) {
            self.log = log
        }

        var keepsContent: Bool { false }

        func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) {
            size += piece.count
            largestPiece = max(largestPiece, piece.count)
            if head.count < 16 { head += piece.prefix(16 - head.count) }
            tail = Array((tail + piece.suffix(16)).suffix(16))
            answer(.accept)
        }

        func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
            log.record("size \(message.size), kept \(message.data.count), streamed \(size)")
            log.record(String(decoding: head + tail, as: UTF8.self))
            log.record("pieces of at most 64 KiB: \(largestPiece <= 65536)")
            answer(.accept)
        }
    }

    @Test func aThirtyTwoMebibyteBodyStreamsThrough() throws {
        let line = Array(String(repeating: "0123456789abcdef", count: 63).utf8) + [13, 10]
        let lines = (32 << 20) / line.count
        var content: [UInt8] = []
        content.reserveCapacity(lines * line.count + 8)
        let dotted = [46, 46] + line.dropFirst()
        for index in 0..<lines {
            // Every 7th line starts with a (stuffed) dot, the first one too.
            content += index % 7 == 0 ? dotted : line
        }
        let size = lines * line.count
        let client = Client()
        let log = RunLog<String>()
        let server = ServerUnderTest.smtp(.testing()) {
            log.startRun()
            return Digest(log: log)
        }
        // A debug build takes seconds over 32 MiB: a longer deadline than the kit's 5 s.
        let report = try Dialogue("32 MiB") {
            client.expectGreeting()
            client.command("HELO c", "250 mx.test")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send(bytes: content + Array(".\r\n".utf8))
            client.expect("250 OK")
        }.run(against: server, chunking: .only(.whole), deadline: .seconds(60))
        #expect(log.sameInEveryRun(of: report) == [
            "size \(size), kept 0, streamed \(size)", ".123456789abcdef" + "23456789abcdef\r\n",
            "pieces of at most 64 KiB: true",
        ])
    }
}
