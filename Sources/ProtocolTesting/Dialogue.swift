import AsyncCore

/// A scripted conversation with a server: what clients send, what they
/// must receive, when time passes. Run it against real dispatchers
/// in-process, or against a server over TCP; it fails with a readable diff
/// (``DialogueFailure``) and never hangs.
///
/// Written in Swift:
/// ```swift
/// let client = Client()
/// let dialogue = Dialogue("EHLO") {
///     client.expect("220 localhost ESMTP")
///     client.send("EHLO client.example")
///     client.expect("250-localhost")
///     client.expect(matching: /250 .*/)
///     client.send("QUIT")
///     client.expect("221 Bye")
///     client.expectClose()
/// }
/// try dialogue.run(against: .inProcess { socket, loop in try SMTPChannel(socket: socket, loop: loop) },
///                  chunking: .all())
/// ```
/// or as a transcript:
/// ```swift
/// let dialogue = try Dialogue(transcript: """
///     S: 220 localhost ESMTP
///     C: EHLO client.example
///     S: 250-localhost
///     S~ ^250 .*$
///     C: QUIT
///     S: 221 Bye
///     S=
///     """, name: "ehlo")
/// ```
/// Everything a run does is bounded: each expectation waits at most its
/// deadline (5 seconds unless `deadline:` or `!deadline` says otherwise),
/// steps left when one fails are listed in the report, and bytes the server
/// sent that no step consumed fail the run.
public struct Dialogue: Sendable {
    /// How reports name the dialogue.
    public let name: String
    /// The steps, in order.
    public let steps: [DialogueStep]

    /// A dialogue built from Swift statements; see ``DialogueBuilder``.
    /// Without a name, reports call it after the file and line it was written at.
    public init(_ name: String? = nil, file: String = #fileID, line: Int = #line, @DialogueBuilder _ steps: () -> [DialogueStep]) {
        self.name = name ?? "\(file):\(line)"
        self.steps = steps()
    }

    /// A dialogue from steps made elsewhere.
    public init(_ name: String, steps: [DialogueStep]) {
        self.name = name
        self.steps = steps
    }

    /// Parses a transcript; see <doc:TranscriptFormat>.
    /// - Parameters:
    ///   - text: the transcript, one step per line.
    ///   - name: how reports and error locations name it.
    /// - Throws: ``TranscriptError`` naming the first bad line: an unknown
    ///   step, a bad escape or pattern, or steps that contradict each other.
    public init(transcript text: String, name: String = "transcript") throws(TranscriptError) {
        let steps = try TranscriptParser.parse(text, source: name)
        do {
            _ = try CompiledDialogue.compile(steps, deadline: .seconds(5))
        } catch {
            throw TranscriptError(source: name, line: error.location.line, message: error.message)
        }
        self.name = name
        self.steps = steps
    }

    /// Reads and parses a transcript file; reports and errors name it by
    /// `path` as given, so `Transcripts/greeting.txt:7` points at the line.
    ///
    /// ```swift
    /// let dialogue = try Dialogue(contentsOfFile: "Transcripts/greeting.txt", relativeTo: #filePath)
    /// ```
    /// - Parameters:
    ///   - path: the file, absolute or relative to `anchor`'s directory (or
    ///     to the working directory without an anchor).
    ///   - anchor: a file whose directory a relative `path` starts from;
    ///     pass `#filePath` to keep transcripts next to the test source.
    /// - Throws: ``TranscriptError`` when the file cannot be read or parsed.
    public init(contentsOfFile path: String, relativeTo anchor: String? = nil) throws(TranscriptError) {
        var fullPath = path
        if let anchor, !path.hasPrefix("/"), let slash = anchor.lastIndex(of: "/") {
            fullPath = String(anchor[...slash]) + path
        }
        let text = try Dialogue.readFile(fullPath, name: path)
        try self.init(transcript: text, name: path)
    }

    private static func readFile(_ path: String, name: String) throws(TranscriptError) -> String {
        var bytes: [UInt8] = []
        do throws(SystemError) {
            let file = try FileDescriptor.open(path, .readOnly)
            defer { try? file.close() }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = try chunk.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try file.read(into: raw) } }.get()
                if count == 0 { break }
                bytes += chunk[0..<count]
            }
        } catch {
            throw TranscriptError(source: name, line: nil, message: "cannot read: \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TranscriptError(source: name, line: nil, message: "is not valid UTF-8 text")
        }
        return text
    }

    /// The dialogue in the transcript format, one step per line: save it
    /// to run it with `scripted-peer`. A regex built in Swift reads back only
    /// if it was given its pattern text (`shownAs:`).
    public var transcript: String {
        steps.map(\.description).joined(separator: "\n") + "\n"
    }

    // MARK: Running

    /// Runs the dialogue once per chunking of `plan`, each time with a fresh
    /// server (in-process) or fresh connections (TCP), on the calling thread.
    ///
    /// The call blocks for as long as the dialogue takes, and no longer than
    /// its deadlines allow. From XCTest or Swift Testing, just `try` it: the
    /// thrown failure's description is the report.
    /// ```swift
    /// func testGreeting() throws {                 // XCTest
    ///     try dialogue.run(against: server)
    /// }
    /// @Test func greeting() throws {               // Swift Testing
    ///     try dialogue.run(against: server, chunking: .all())
    /// }
    /// ```
    /// - Parameters:
    ///   - server: the server to talk to; see ``ServerUnderTest``.
    ///   - plan: the chunkings to run under, one run each; see ``ChunkingPlan``.
    ///   - deadline: how long each expectation waits, in real time, unless a
    ///     `!deadline` step says otherwise.
    /// - Returns: the runs made.
    /// - Throws: ``DialogueFailure`` for the first run that fails.
    @discardableResult
    public func run(
        against server: ServerUnderTest, chunking plan: ChunkingPlan = .whole, deadline: Duration = .seconds(5)
    ) throws(DialogueFailure) -> DialogueReport {
        try run(against: server, plan: plan, deadline: deadline, isCancelled: { false })
    }

    /// Runs the dialogue as the synchronous `run(against:chunking:deadline:)` does,
    /// on a thread of its own: the awaiting task is suspended, not blocking a
    /// thread of the cooperative pool. Cancelling the task ends the run at
    /// its next wait with a ``DialogueFailure/Kind/cancelled`` failure.
    /// ```swift
    /// @Test func greeting() async throws {
    ///     try await dialogue.run(against: server)
    /// }
    /// ```
    @discardableResult
    public func run(
        against server: ServerUnderTest, chunking plan: ChunkingPlan = .whole, deadline: Duration = .seconds(5)
    ) async throws(DialogueFailure) -> DialogueReport {
        let flag = CancellationFlag()
        let outcome: Result<DialogueReport, DialogueFailure> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let started = RunThread.start { [self] in
                    let report = Result { () throws(DialogueFailure) -> DialogueReport in
                        try self.run(against: server, plan: plan, deadline: deadline, isCancelled: { flag.isSet })
                    }
                    ThreadSanitizer.beforeResuming()
                    continuation.resume(returning: report)
                }
                if !started {
                    continuation.resume(returning: .failure(DialogueFailure(
                        kind: .serverFailed, dialogue: name, location: nil, chunking: nil,
                        expected: "a thread to run the dialogue on", received: "pthread_create failed"
                    )))
                }
            }
        } onCancel: {
            flag.set()
        }
        ThreadSanitizer.afterResumed()
        return try outcome.get()
    }

    private func run(
        against server: ServerUnderTest, plan: ChunkingPlan, deadline: Duration, isCancelled: @escaping () -> Bool
    ) throws(DialogueFailure) -> DialogueReport {
        let script: CompiledDialogue
        do {
            script = try CompiledDialogue.compile(steps, deadline: deadline)
        } catch {
            throw DialogueFailure(kind: .invalidDialogue, dialogue: name, location: error.location, chunking: nil, expected: "", received: error.message)
        }
        let chunkings = plan.chunkings(splitPositions: script.splitPositions)
        for chunking in chunkings {
            do {
                try DialogueRun(script: script, name: name, chunking: chunking, server: server, isCancelled: isCancelled).run()
            } catch {
                throw error.inPlan(withOtherRuns: chunkings.count > 1)
            }
        }
        return DialogueReport(runs: chunkings.count, chunkings: chunkings)
    }
}
