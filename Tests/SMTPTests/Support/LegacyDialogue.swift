import AsyncCore
import Glibc
import SMTP
import Testing

/// A client/server transcript, one step a line, in the notation of the
/// reference spec (and of the scripted-peer kit, so the cases convert to it
/// mechanically):
///
///     C: HELO example          client sends the line and CRLF
///     c: raw\nbytes            client sends the bytes as written, no CRLF
///     S: 250 mx.test           server's next line, exactly (CRLF implied)
///     wait: 300                the loop's clock moves on 300 s
///     disconnect               client closes its end
///     closed                   server has closed the connection
///
/// `\r`, `\n`, `\t`, `\\` and `\xNN` are escapes in C:, c: and S: lines. The
/// server's 220 greeting is expected before the first step.
struct LegacyDialogue: Sendable, CustomTestStringConvertible {
    enum Step: Sendable {
        case send([UInt8])
        case expect([UInt8])
        case wait(Duration)
        case disconnect
        case closed
    }

    let name: String
    let steps: [Step]
    var testDescription: String { name }

    init(_ name: String, _ transcript: String) {
        self.name = name
        steps = transcript.split(separator: "\n", omittingEmptySubsequences: true).map { rawLine in
            let line = rawLine.drop { $0 == " " }
            if line.hasPrefix("C: ") || line == "C:" { return .send(LegacyDialogue.unescape(line.dropFirst(3)) + [13, 10]) }
            if line.hasPrefix("c: ") { return .send(LegacyDialogue.unescape(line.dropFirst(3))) }
            if line.hasPrefix("S: ") { return .expect(LegacyDialogue.unescape(line.dropFirst(3)) + [13, 10]) }
            if line.hasPrefix("wait: "), let seconds = Int(line.dropFirst(6)) { return .wait(.seconds(seconds)) }
            if line == "disconnect" { return .disconnect }
            if line == "closed" { return .closed }
            preconditionFailure("bad transcript line: \(line)")
        }
    }

    static func unescape(_ text: Substring) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = bytes.popFirst() else {
                out.append(byte)
                continue
            }
            switch next {
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "x"):
                let hex = String(decoding: bytes.prefix(2), as: UTF8.self)
                bytes = bytes.dropFirst(2)
                out.append(UInt8(hex, radix: 16)!)
            default: out.append(next)
            }
        }
        return out
    }
}

/// Runs dialogues against an ``SMTPChannel`` on one end of a socketpair,
/// each run with its own loop (on a manual clock), channel and handler.
struct DialogueRunner {
    var configuration = SMTPConfiguration.testing()
    var peer = SocketAddress.ipv4(host: "peer-address", port: 4000)
    /// The handler's reply for each message; by default smtpd's DummyServer:
    /// `250 Okish` for "return status", `250 SMTPUTF8 message okish` for
    /// SMTPUTF8 messages, else `250 OK`.
    var reply: @Sendable (SMTPMessage) -> SMTPReply = DialogueRunner.dummyServerReply

    static func dummyServerReply(_ message: SMTPMessage) -> SMTPReply {
        if message.data == Array("return status\r\n".utf8) { return SMTPReply(250, "Okish") }
        if message.mailOptions.contains("SMTPUTF8") { return SMTPReply(250, "SMTPUTF8 message okish") }
        return .ok
    }

    /// Runs `dialogue` as written, then again with every client byte sent on
    /// its own; both runs must pass and deliver the same messages.
    @discardableResult
    func check(_ dialogue: LegacyDialogue, sourceLocation: SourceLocation = #_sourceLocation) throws -> [SMTPMessage] {
        let whole = try run(dialogue, byteAtATime: false, sourceLocation: sourceLocation)
        let split = try run(dialogue, byteAtATime: true, sourceLocation: sourceLocation)
        #expect(whole.map(\.summary) == split.map(\.summary), "byte-at-a-time run delivered differently", sourceLocation: sourceLocation)
        return whole
    }

    func run(_ dialogue: LegacyDialogue, byteAtATime: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws -> [SMTPMessage] {
        let clock = ManualClock()
        let loop = try EventLoop(clock: clock)
        defer { loop.closeAll() }
        let (serverEnd, client) = try Socket.pair()
        defer { client.close() }
        let messages = MessageBox()
        let reply = self.reply
        let channel = try SMTPChannel(
            socket: serverEnd, peer: peer, configuration: configuration,
            handler: ClosureHandler { message in
                messages.items.append(message)
                return reply(message)
            }, loop: loop)
        var peerEnd = PeerEnd(client: client, loop: loop, channel: channel)
        let mode = byteAtATime ? " (byte at a time)" : ""
        try peerEnd.expect(SMTPReply.greetingForTests.encoded, context: "greeting" + mode, sourceLocation: sourceLocation)
        var clientClosed = false
        for (index, step) in dialogue.steps.enumerated() {
            let context = "\(dialogue.name) step \(index + 1)\(mode)"
            switch step {
            case .send(let bytes):
                try peerEnd.send(bytes, byteAtATime: byteAtATime)
            case .expect(let bytes):
                guard try peerEnd.expect(bytes, context: context, sourceLocation: sourceLocation) else { return messages.items }
            case .wait(let duration):
                clock.advance(by: duration)
                try loop.runPass(timeout: .zero)
            case .disconnect:
                try peerEnd.settle()
                Glibc.shutdown(client.descriptor, Int32(SHUT_RDWR))
                clientClosed = true
                try loop.run(until: { !channel.isOpen }, sourceLocation: sourceLocation)
            case .closed:
                guard try peerEnd.expectEOF(context: context, sourceLocation: sourceLocation) else { return messages.items }
            }
        }
        if !clientClosed {
            try peerEnd.settle()
            let extra = peerEnd.drain()
            #expect(extra.isEmpty, "\(dialogue.name)\(mode): unexpected output \(String(decoding: extra, as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
        }
        return messages.items
    }
}

/// The client's end of the socketpair.
struct PeerEnd {
    let client: Socket
    let loop: EventLoop
    let channel: Dispatcher
    var received: [UInt8] = []
    var sawEOF = false

    /// Sends all of `bytes`, letting the server run while the socket is full.
    func send(_ bytes: [UInt8], byteAtATime: Bool) throws {
        if byteAtATime {
            for byte in bytes {
                try sendAll([byte])
                try settle()
            }
        } else {
            try sendAll(bytes)
            try settle()
        }
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while offset < bytes.count {
            let sent: Int
            do {
                sent = try bytes[offset...].withUnsafeBytes { try client.send($0) } ?? 0
            } catch let error as SystemError where error.isDisconnect {
                return // the server closed (after QUIT or 421): the rest is never read
            }
            offset += sent
            if sent == 0 {
                guard ContinuousClock.now < deadline else { throw DialogueError.timedOut("sending") }
                try loop.runPass(timeout: .milliseconds(10))
            }
        }
    }

    /// Runs the loop until the server has read everything sent to it.
    func settle() throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while channel.isOpen, unread(channel.descriptor) > 0 {
            guard ContinuousClock.now < deadline else { throw DialogueError.timedOut("server reading") }
            try loop.runPass(timeout: .milliseconds(10))
        }
        try loop.runPass(timeout: .zero)
    }

    /// Waits for `bytes` to be the next output; records an issue if not.
    @discardableResult
    mutating func expect(_ bytes: [UInt8], context: String, sourceLocation: SourceLocation) throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while received.count < bytes.count, !sawEOF {
            if !readAvailable() {
                if ContinuousClock.now >= deadline { break }
                try loop.runPass(timeout: .milliseconds(10))
            }
        }
        let got = Array(received.prefix(bytes.count))
        let matched = got == bytes
        #expect(matched, "\(context): expected \(String(decoding: bytes, as: UTF8.self).debugDescription), got \(String(decoding: received, as: UTF8.self).debugDescription)\(sawEOF ? " then EOF" : "")", sourceLocation: sourceLocation)
        if matched { received.removeFirst(bytes.count) }
        return matched
    }

    /// Waits for the server to close; records an issue on other output.
    mutating func expectEOF(context: String, sourceLocation: SourceLocation) throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while !sawEOF, received.isEmpty {
            if !readAvailable() {
                if ContinuousClock.now >= deadline { break }
                try loop.runPass(timeout: .milliseconds(10))
            }
        }
        #expect(sawEOF && received.isEmpty, "\(context): expected close, got \(String(decoding: received, as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
        return sawEOF
    }

    mutating func drain() -> [UInt8] {
        while readAvailable() {}
        defer { received = [] }
        return received
    }

    /// Reads what is there; false when nothing was.
    private mutating func readAvailable() -> Bool {
        guard !sawEOF else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { Glibc.recv(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count == 0 { sawEOF = true }
        if count > 0 { received.append(contentsOf: buffer[0..<count]) }
        return count > 0
    }

    private func unread(_ descriptor: Int32) -> Int32 {
        var count: Int32 = 0
        _ = ioctl(descriptor, UInt(FIONREAD), &count)
        return count
    }
}

enum DialogueError: Error {
    case timedOut(String)
}

extension SMTPReply {
    static let greetingForTests = SMTPReply(220, "mx.test ESMTP SwiftAsyncore")
}

extension SMTPMessage {
    /// The parts the ported tests compare: sender, recipients, content.
    var summary: Summary { Summary(mailFrom: mailFrom, recipients: recipients, data: String(decoding: data, as: UTF8.self)) }

    struct Summary: Equatable, CustomStringConvertible {
        var mailFrom: String
        var recipients: [String]
        var data: String
        var description: String { "(\(mailFrom), \(recipients), \(data.debugDescription))" }
    }
}
