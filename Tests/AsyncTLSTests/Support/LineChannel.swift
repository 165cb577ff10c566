import AsyncChat
import AsyncCore

/// A line channel for both ends of a test: records the lines it receives,
/// the errors and the close, and answers each line with `reply`, if set.
final class LineChannel: ChatChannel {
    var lines: [String] = []
    var errors: [any Error] = []
    var closed = false
    var endOfInput = false
    var reply: ((String) -> String?)?
    var onLine: ((LineChannel, String) -> Void)?

    override func foundTerminator() throws {
        let line = String(decoding: takeIncomingData(), as: UTF8.self)
        lines.append(line)
        onLine?(self, line)
        if let answer = reply?(line) { push(answer + "\r\n") }
    }

    override func handleEndOfInput() throws {
        endOfInput = true
        try super.handleEndOfInput()
    }

    override func handleError(_ error: any Error) {
        errors.append(error)
        reportClose()
    }

    override func handleClose() {
        closed = true
        super.handleClose()
    }
}
