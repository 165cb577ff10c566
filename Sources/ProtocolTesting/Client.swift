import AsyncTLS

/// One connection of a dialogue, and the steps it takes.
///
/// A dialogue with one connection uses the default client; several clients
/// get names, written `@name` in transcripts:
/// ```swift
/// let alice = Client("alice"), bob = Client("bob")
/// let dialogue = Dialogue {
///     alice.expect("*** Welcome to the chat room")
///     alice.expect("*** Choose a nick with /nick NAME")
///     alice.send("/nick alice")
///     alice.expect("*** You are now known as alice")
///     bob.expect("*** Welcome to the chat room")
/// }
/// ```
/// A client connects at its first step (or at ``connect(file:line:)``). Once
/// its connection has ended (``close(file:line:)`` or ``expectClose(file:line:)``),
/// only ``connect(file:line:)`` may follow, which opens a new one.
public struct Client: Hashable, Sendable, CustomStringConvertible {
    /// The name; empty for the default client.
    public let name: String

    /// A named client; names are letters, digits, `_`, `.` and `-`.
    public init(_ name: String) {
        self.name = name
    }

    /// The unnamed client of a one-connection dialogue.
    public init() {
        name = ""
    }

    /// `@name`, or `the client` for the default client.
    public var description: String { name.isEmpty ? "the client" : "@" + name }

    var prefix: String { name.isEmpty ? "" : "@" + name + " " }

    var hasValidName: Bool {
        name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
    }

    private func step(_ action: DialogueStep.Action, _ file: String, _ line: Int) -> DialogueStep {
        DialogueStep(client: self, action: action, location: StepLocation(file: file, line: line))
    }

    // MARK: Acting

    /// Connects now (transcript: `C+`); needed only to reconnect, or to
    /// connect before the client's first other step.
    public func connect(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.connect, file, line)
    }

    /// Sends `text` and the line ending (transcript: `C: text`). Sends that
    /// follow each other with no other step between go out together, as a
    /// pipelining client sends them.
    public func send(_ text: String, file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.sendLine(text), file, line)
    }

    /// Sends exactly `bytes`, adding nothing (transcript: `C< raw\r\n\x00`).
    public func send(bytes: [UInt8], file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.sendBytes(bytes), file, line)
    }

    /// The server name ``startTLS(serverName:trust:file:line:)`` checks by default.
    public static let defaultTLSServerName = "localhost"

    /// Switches the connection to TLS now, as a client after the server's
    /// reply to STARTTLS, or first thing for a server that speaks TLS from
    /// the first byte (transcript: `C^`, or `C^ NAME` for another server
    /// name). The step waits for the handshake to finish; later sends and
    /// expectations go through TLS, chunked as before. Anything the server
    /// sent in the clear that no step consumed fails the step: a server must
    /// say nothing between its go-ahead and the handshake.
    ///
    /// ```swift
    /// let dialogue = Dialogue {
    ///     client.expect(matching: "220 .*")
    ///     client.send("STARTTLS")
    ///     client.expect("220 Ready to start TLS")
    ///     client.startTLS()
    ///     client.send("EHLO there")
    /// }
    /// ```
    ///
    /// `serverName` is sent as SNI, and is the name the certificate must be
    /// issued for when `trust` checks it; by default `trust` accepts any
    /// certificate (the kit tests the protocol, not the server's
    /// certificate). Needs a build with the package's `TLS` trait; without
    /// it the step fails saying so.
    public func startTLS(
        serverName: String = Client.defaultTLSServerName, trust: TLSTrust = .anyCertificate, file: String = #fileID, line: Int = #line
    ) -> DialogueStep {
        step(.startTLS(serverName: serverName, trust: trust), file, line)
    }

    /// Shuts down the sending direction: the server reads end of input and
    /// may still reply (transcript: `C-`).
    public func shutdownOutput(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.shutdownOutput, file, line)
    }

    /// Closes the connection (transcript: `C=`).
    public func close(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.close, file, line)
    }

    /// Stops reading: what the server sends piles up in the socket buffers,
    /// as with a slow or stuck peer (transcript: `R-`). No expectation of
    /// this client may follow until ``resumeReading(file:line:)``.
    public func stopReading(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.stopReading, file, line)
    }

    /// Reads again after ``stopReading(file:line:)`` (transcript: `R+`).
    public func resumeReading(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.resumeReading, file, line)
    }

    // MARK: Expecting

    /// The next line from the server is exactly `text` (transcript: `S: text`).
    public func expect(_ text: String, file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectLine(.exactly(text)), file, line)
    }

    /// The next line matches `regex` as a whole (transcript: `S~ regex`).
    /// `shownAs` is the pattern's text for reports.
    public func expect<Output>(
        matching regex: Regex<Output>, shownAs display: String? = nil, file: String = #fileID, line: Int = #line
    ) -> DialogueStep {
        step(.expectLine(.matching(regex, shownAs: display, file: file, line: line)), file, line)
    }

    /// The next line matches the regular expression `pattern` as a whole, as
    /// a transcript's `S~ pattern`.
    public func expect(matching pattern: String, file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectLine(.matching(pattern)), file, line)
    }

    /// The next lines are these, in any order (transcript: a `{` ... `}` block).
    public func expectLines(inAnyOrder lines: [LineMatch], file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectAnyOrder(lines), file, line)
    }

    /// The server sends exactly `bytes` next, whatever their framing
    /// (transcript: `S< bytes`).
    public func expect(bytes: [UInt8], file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectBytes(bytes), file, line)
    }

    /// Whole lines are skipped, none or many, until one that `match` accepts
    /// as a whole, which is consumed too (transcript: `S* regex`): for
    /// output whose length is not known, such as the backlog of a slow
    /// reader. The deadline applies to each line; a failure report lists the
    /// lines skipped.
    public func skipLines(until match: LineMatch, file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.skipLines(until: match), file, line)
    }

    /// Whatever the server sends is skipped, up to its closing the
    /// connection (transcript: `S*` with no pattern): for a connection the
    /// server must end, whatever it was in the middle of.
    public func skipToClose(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.skipToClose, file, line)
    }

    /// The server closes the connection, with nothing sent before that no
    /// step consumed (transcript: `S=`). A reset counts as a close.
    public func expectClose(file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectClose, file, line)
    }

    /// Nothing arrives for `duration` of real time, and the connection stays
    /// open (transcript: `S- 200ms`).
    public func expectSilence(for duration: Duration, file: String = #fileID, line: Int = #line) -> DialogueStep {
        step(.expectSilence(duration), file, line)
    }
}
