import AsyncCore
import Dispatch
import SMTP

/// A handler whose decisions the dialogue spells out: a name or address
/// holding `rNNN` is answered with code NNN (`r550@x`: `550 Decided 550`),
/// any other is accepted; one holding `late` is answered only when a later
/// hook sees `release`, and then from another thread. The content's
/// `Subject:` decides the end of data the same way, a content piece
/// holding `VIRUS` is refused with 554, and the piece that brings `SLOW` is
/// held as a `late` answer is. It records each hook it ran.
final class ScriptedHandler: SMTPHandler {
    private let log: RunLog<String>
    /// The connect hook's key for each connection in turn; "" after the last.
    private var connectKeys: [String]
    private let keeps: Bool
    private var held: [(SMTPAnswer, SMTPDecision)] = []
    private var streamed: [String: [UInt8]] = [:]
    /// Transactions whose content said `SLOW` and had a piece held.
    private var slowed: Set<String> = []

    init(log: RunLog<String>, connect: [String] = [], keepsContent: Bool = true) {
        self.log = log
        connectKeys = connect
        keeps = keepsContent
    }

    var keepsContent: Bool { keeps }

    static func decision(for key: String) -> SMTPDecision {
        guard let match = key.firstMatch(of: /r([2-5][0-9][0-9])/), let code = Int(match.1) else { return .accept }
        return .reply(SMTPReply(code, "Decided \(code)"))
    }

    private func decide(_ key: String, answer: SMTPAnswer) {
        if key.contains("release") {
            let released = held
            held = []
            DispatchQueue.global().async { for (answer, decision) in released { answer(decision) } }
        }
        let decision = Self.decision(for: key)
        if key.contains("late") {
            held.append((answer, decision))
        } else {
            answer(decision)
        }
    }

    func connect(from client: SocketAddress, answer: SMTPAnswer) {
        log.record("connect")
        decide(connectKeys.isEmpty ? "" : connectKeys.removeFirst(), answer: answer)
    }

    func hello(_ hello: SMTPHello, answer: SMTPAnswer) {
        log.record("\(hello.verb) \(hello.name)")
        if hello.name == "no-chunking" {
            answer(.reply(SMTPReply(code: 250, lines: hello.reply.lines.filter { $0 != "CHUNKING" && $0 != "BINARYMIME" })))
            return
        }
        decide(hello.name, answer: answer)
    }

    func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer) {
        log.record("MAIL \(transaction.mailFrom)")
        decide(transaction.mailFrom, answer: answer)
    }

    func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
        log.record("RCPT \(address) after \(transaction.recipients)")
        decide(address, answer: answer)
    }

    func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) {
        streamed[transaction.queueID, default: []] += piece
        // Scans everything so far: a word may be cut between pieces.
        let text = String(decoding: streamed[transaction.queueID] ?? [], as: UTF8.self)
        if text.contains("SLOW"), slowed.insert(transaction.queueID).inserted {
            // Held like a `late` answer: a consumer that takes its time.
            held.append((answer, .accept))
            return
        }
        answer(text.contains("VIRUS") ? .reply(SMTPReply(554, "Virus found")) : .accept)
    }

    func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
        let content = streamed.removeValue(forKey: message.queueID) ?? []
        log.record("message of \(message.size) bytes, kept \(message.data.count), streamed \(String(decoding: content, as: UTF8.self).debugDescription)")
        let subject = String(String(decoding: content + message.data, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("Subject: ") } ?? "")
        if subject.contains("per-recipient") {
            // LMTP: a recipient whose address holds "full" is refused at the end of data.
            answer(.replies(message.recipients.map { $0.contains("full") ? SMTPReply(552, "Mailbox full") : .ok }))
            return
        }
        decide(subject, answer: answer)
    }

    func abandon(_ transaction: SMTPTransaction) {
        streamed[transaction.queueID] = nil
        log.record("abandon \(transaction.mailFrom)")
    }
}
