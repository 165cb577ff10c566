/// Fuzzing of the SMTP server's protocol logic, with no sockets: the input's
/// lines go through a pure `SMTPSession`, and each line's text through the
/// path and parameter parsers. Nothing may crash, every reply must be
/// well formed, the state must follow the replies (a 354 leads to DATA, a
/// close to closed), a delivered message must be the dot-unstuffed DATA
/// lines, and the parsers must agree with `SMTPReference` and with
/// themselves. Built into the SMTP module to reach its internal parsers.
@_cdecl("LLVMFuzzerTestOneInput")
public func smtpFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzBytes(data, count: size)
    let fuzzCase = SMTPFuzzCase(decoding: &input)
    var driver = SessionDriver(fuzzCase)
    for (index, line) in fuzzCase.lines.enumerated() {
        driver.send(line, index: index)
        checkParsers(line, fuzzCase)
    }
    for piece in fuzzCase.pieces(of: fuzzCase.unterminated) { driver.session.receive(piece) }
    return 0
}

private func fail(_ message: String, _ fuzzCase: SMTPFuzzCase) -> Never {
    fatalError("\(message)\ncase: \(fuzzCase)")
}

/// Feeds lines to a session and checks each answer against what the
/// protocol allows in the state the session was in.
private struct SessionDriver {
    let fuzzCase: SMTPFuzzCase
    var session: SMTPSession
    /// The reference unstuffer's message so far, while in DATA.
    private var expectedBody: [UInt8] = []
    private var errorReplies = 0

    init(_ fuzzCase: SMTPFuzzCase) {
        self.fuzzCase = fuzzCase
        session = SMTPSession(configuration: fuzzCase.configuration, peer: .ipv4(port: 2525))
        check(session.greeting, after: [], index: -1)
        if session.greeting.code != 220 { fail("greeting \(session.greeting)", fuzzCase) }
    }

    mutating func send(_ line: [UInt8], index: Int) {
        let before = session.state
        for piece in fuzzCase.pieces(of: line) { session.receive(piece) }
        // The default handler accepts every stage; the message is judged below.
        var output = session.endOfLine()
        while case .ask(let question) = output {
            if case .endOfData = question { break }
            output = session.answer(.accept)
        }
        let fuzzCase = self.fuzzCase
        func wrong(_ what: String) -> Never {
            fail("line \(index) \(escaped(line)) in state \(before): \(what)", fuzzCase)
        }
        switch (before, output) {
        case (.closed, .none):
            break
        case (.closed, _):
            wrong("a closed session answered \(output)")
        case (.command, .reply(let reply)):
            check(reply, after: line, index: index)
            let expectedState: SMTPSession.State = reply.code == 354 ? .data : .command
            if session.state != expectedState { wrong("after \(reply) the state is \(session.state)") }
            if reply.code == 354 { expectedBody = [] }
            checkCommandReply(reply, to: line, wrong)
        case (.command, .replyAndClose(let reply)):
            check(reply, after: line, index: index)
            if session.state != .closed { wrong("after \(reply) and close the state is \(session.state)") }
            let isQuit = reply == .bye
            let isErrorBudget = reply == .tooManyErrors("mx.test")
            if !isQuit && !isErrorBudget { wrong("closed with \(reply)") }
            if isErrorBudget, errorReplies + 1 <= fuzzCase.configuration.maxErrors ?? .max {
                wrong("421 for too many errors after \(errorReplies) with a budget of \(fuzzCase.configuration.maxErrors.map(String.init) ?? "none")")
            }
        case (.command, _):
            wrong("a command got \(output), not a reply")
        case (.data, _) where line == [UInt8(ascii: ".")]:
            endOfData(output, wrong)
        case (.data, .none):
            if session.state != .data { wrong("a content line left DATA for \(session.state)") }
            expectedBody += SMTPReference.unstuffed(line) + [13, 10]
        case (.data, _):
            wrong("the content line got \(output)")
        case (.chunk, _):
            // The fuzzed configurations never offer CHUNKING.
            wrong("a BDAT chunk without CHUNKING")
        }
    }

    private mutating func checkCommandReply(_ reply: SMTPReply, to line: [UInt8], _ wrong: (String) -> Never) {
        if (500...504).contains(reply.code) || reply.code == 555 {
            errorReplies += 1
            if let budget = fuzzCase.configuration.maxErrors, errorReplies > budget {
                wrong("error reply \(errorReplies) over a budget of \(budget) did not close")
            }
        }
        let configuration = fuzzCase.configuration
        if reply == .lineTooLong, line.count <= configuration.maxCommandLength { wrong("\(line.count) bytes are not too long") }
        if line.count > configuration.extendedMailLength, reply != .lineTooLong { wrong("a line of \(line.count) bytes got \(reply)") }
        if line.contains(where: { $0 == 13 || $0 == 10 }), reply.code != 500 { wrong("a bare CR or LF got \(reply)") }
    }

    private mutating func endOfData(_ output: SMTPSessionOutput, _ wrong: (String) -> Never) {
        if session.state != .command { wrong("the end of DATA left the state \(session.state)") }
        let limit = fuzzCase.configuration.maxMessageSize
        // smtpd's measure: the last CRLF is not counted.
        let tooLong = limit.map { expectedBody.count - 2 > $0 } ?? false
        let notText = fuzzCase.configuration.decodeData && String(validating: expectedBody, as: UTF8.self) == nil
        switch output {
        case .reply(let reply) where reply == .tooMuchMailData:
            if !tooLong { wrong("552 for \(expectedBody.count) bytes") }
        case .reply(let reply) where reply == .dataNotUTF8:
            if tooLong || !notText { wrong("554 for \(escaped(expectedBody))") }
        case .ask(.endOfData(let message)):
            if tooLong || notText { wrong("delivered \(message.data.count) bytes") }
            if message.data != expectedBody {
                wrong("delivered \(escaped(message.data)), the reference unstuffer made \(escaped(expectedBody))")
            }
            if fuzzCase.configuration.decodeData, message.text.map({ Array($0.utf8) }) != message.data {
                wrong("the text of the message is not its data")
            }
            if message.recipients.isEmpty || message.heloName.isEmpty { wrong("delivered without an envelope: \(message)") }
            if message.dataWithLFLineEnds != SMTPReference.withLFLineEnds(message.data) {
                wrong("dataWithLFLineEnds gave \(escaped(message.dataWithLFLineEnds))")
            }
        default:
            wrong("the end of DATA got \(output)")
        }
        expectedBody = []
    }

    private func check(_ reply: SMTPReply, after line: [UInt8], index: Int) {
        if let problem = SMTPReference.problem(with: reply, allowsNonASCII: fuzzCase.configuration.enableSMTPUTF8) {
            fail("line \(index) \(escaped(line)) got the malformed reply \(escaped(reply.encoded)): \(problem)", fuzzCase)
        }
    }
}

/// The path and parameter parsers on the line's text, and on what follows
/// its first colon (where `MAIL FROM:` puts the path).
private func checkParsers(_ line: [UInt8], _ fuzzCase: SMTPFuzzCase) {
    let text = String(decoding: line, as: UTF8.self)
    var arguments = [text[...]]
    if let colon = text.firstIndex(of: ":") { arguments.append(text[text.index(after: colon)...]) }
    for argument in arguments {
        checkPath(argument, fuzzCase)
        let words = argument.uppercased().split(separator: " ")
        let parsed = SMTPParameters(words)
        let expected = SMTPReference.parameters(words)
        if parsed?.values != expected {
            fail("parameters of \(escaped(argument.utf8)): \(String(describing: parsed?.values)), expected \(String(describing: expected))", fuzzCase)
        }
    }
}

/// A parsed path leaves the rest of the text untouched, and the address it
/// gives (the server passes it on) reads back as itself, bare or in brackets.
private func checkPath(_ text: Substring, _ fuzzCase: SMTPFuzzCase) {
    guard let (address, rest) = SMTPPath.parse(text) else { return }
    if !text.utf8.reversed().starts(with: rest.utf8.reversed()) {
        fail("the path parser's rest \(escaped(rest.utf8)) is not the end of \(escaped(text.utf8))", fuzzCase)
    }
    guard !address.isEmpty else { return }
    for form in [address, "<" + address + ">"] {
        guard let again = SMTPPath.parse(form[...]), again.address == address, again.rest.isEmpty else {
            fail("the address \(escaped(address.utf8)) from \(escaped(text.utf8)) reads back from \(escaped(form.utf8)) as "
                + "\(SMTPPath.parse(form[...]).map { escaped($0.address.utf8) + " rest " + escaped($0.rest.utf8) } ?? "nothing")", fuzzCase)
        }
    }
}
