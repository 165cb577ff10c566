import Glibc

/// A program started by a test: a product built next to the test bundle
/// (``init(product:arguments:environment:input:blockedSignals:)``) or any
/// executable. Its standard output and error are captured, and every wait on
/// it has a deadline, so a silent or stuck program fails the test instead of
/// hanging it. A child still running when this object goes away is killed
/// and reaped, so a failing test never leaves one behind.
///
///     let server = try ChildProcess(product: "echo-server", arguments: ["--port", "0"])
///     let announcement = try server.waitForLine(containing: "listening on ")
///     ...
///     server.send(signal: SIGTERM)
///     #expect(try server.waitForExit() == .exited(0))
///     #expect(server.errorText.contains("SIGTERM"))
///
/// The child's standard streams are Unix socket pairs created close-on-exec
/// in one call (Glibc gives Swift no `pipe2`), so a program started by a
/// concurrent test never inherits them and holds an output open; and the
/// child starts with no other descriptor open.
public final class ChildProcess {
    /// What the child reads on its standard input.
    public enum Input {
        /// End of input at once.
        case empty
        /// These bytes, then end of input. They are written while the test
        /// waits on the child, so they may be of any size.
        case bytes([UInt8])
        /// Whatever the test writes with ``write(_:within:)`` until ``closeInput()``.
        case open
    }

    public let pid: pid_t
    /// The program's name and pid, for messages.
    public let program: String
    /// Standard output received and not yet taken by ``readLine(within:)``.
    public private(set) var output: [UInt8] = []
    private var errorOutput: [UInt8] = []
    private var outputDescriptor: Int32
    private var errorDescriptor: Int32
    private var inputDescriptor: Int32
    private var pendingInput: [UInt8] = []
    private var closeInputWhenSent = false
    private var inputError: Int32?
    private var exitStatus: ExitStatus?
    /// Where ``errorOutputContains(_:within:)`` resumes its search for each text.
    private var errorSearchedUpTo: [[UInt8]: Int] = [:]

    /// Starts the executable product `name` built next to the test bundle.
    /// - Throws: ``BuiltProductNotFound`` when there is no such product.
    public convenience init(
        product name: String, arguments: [String] = [], environment: [String] = [], input: Input = .empty,
        blockedSignals: [Int32] = []
    ) throws {
        try self.init(
            path: try BuiltProduct.path(name), arguments: arguments, environment: environment, input: input,
            blockedSignals: blockedSignals)
    }

    /// Starts `path` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: `NAME=value` strings, all the child gets besides
    ///     `SWIFT_BACKTRACE=enable=no` (a crash report would stall a test for
    ///     seconds) and the test process's sanitizer settings
    ///     (``sanitizerVariables``); see ``inheritedEnvironment(_:)``.
    ///   - blockedSignals: the child starts with these blocked and every
    ///     signal at its default action, whatever the test thread blocks
    ///     or the test process ignores.
    public init(
        path: String, arguments: [String] = [], environment: [String] = [], input: Input = .empty,
        blockedSignals: [Int32] = []
    ) throws {
        program = String(path.split(separator: "/").last ?? Substring(path))
        var pairs: [(ours: Int32, theirs: Int32)] = []
        do {
            for _ in 0..<3 { pairs.append(try Self.socketPair()) }
        } catch {
            pairs.forEach { _ = (Glibc.close($0.ours), Glibc.close($0.theirs)) }
            throw error
        }
        let ((outputOurs, outputTheirs), (errorOurs, errorTheirs), (inputOurs, inputTheirs)) = (pairs[0], pairs[1], pairs[2])
        defer { [outputTheirs, errorTheirs, inputTheirs].forEach { _ = Glibc.close($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputTheirs, 0)
        posix_spawn_file_actions_adddup2(&actions, outputTheirs, 1)
        posix_spawn_file_actions_adddup2(&actions, errorTheirs, 2)
        // The test runner holds descriptors open without close-on-exec
        // (sockets, /dev/null), and so may a concurrent test for a moment; a
        // child that inherited them would start with an unpredictable count
        // and could hold a test's socket open. This glibc 2.34 extension is
        // not declared to Swift, hence the lookup.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in blockedSignals { sigaddset(&blocked, signal) }
        var defaulted = sigset_t()
        sigfillset(&defaulted)
        posix_spawnattr_setsigmask(&attributes, &blocked)
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var variables = environment
        if !variables.contains(where: { $0.hasPrefix("SWIFT_BACKTRACE=") }) { variables.append("SWIFT_BACKTRACE=enable=no") }
        let sanitizerSettings = ChildProcess.inheritedEnvironment(ChildProcess.sanitizerVariables)
        variables += sanitizerSettings.filter { setting in !variables.contains { $0.hasPrefix(setting.prefix { $0 != "=" } + "=") } }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard status == 0 else {
            [outputOurs, errorOurs, inputOurs].forEach { _ = Glibc.close($0) }
            throw SystemCallFailure(call: "posix_spawn", path: path, errno: status)
        }
        pid = child
        outputDescriptor = outputOurs
        errorDescriptor = errorOurs
        inputDescriptor = inputOurs
        switch input {
        case .empty:
            closeInput()
        case .bytes(let bytes):
            pendingInput = bytes
            closeInputWhenSent = true
            sendPendingInput()
        case .open:
            break
        }
    }

    deinit {
        if exitStatus == nil { kill() }
        [outputDescriptor, errorDescriptor, inputDescriptor].filter { $0 >= 0 }.forEach { _ = Glibc.close($0) }
    }

    /// The sanitizer settings a child gets from the test process, when set
    /// there: a child built with a sanitizer reports as the tests do.
    public static let sanitizerVariables = ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH"]

    /// `NAME=value` for each of `names` set in the test process, for programs
    /// that need some of its environment: `PATH` and `HOME` find `python3`,
    /// through a pyenv shim too (which wants `HOME`).
    public static func inheritedEnvironment(_ names: [String]) -> [String] {
        names.compactMap { name in getenv(name).map { "\(name)=\(String(cString: $0))" } }
    }

    /// Standard output received and not yet taken by ``readLine(within:)``, as text.
    public var outputText: String { String(decoding: output, as: UTF8.self) }

    /// Standard error received so far; all of it once ``waitForExit(within:)`` has returned.
    public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }

    /// The next line of standard output, without its newline; nil when the
    /// output ends first (an unfinished last line stays in ``output``).
    /// - Throws: ``ChildProcessError/timedOut(program:what:limit:errorOutput:)``
    ///   when `limit` passes first.
    public func readLine(within limit: Duration = .seconds(30)) throws -> String? {
        try readLine(until: Deadline(limit), limit: limit, waitingFor: "a line of output")
    }

    /// Reads lines until one contains `text`; returns it.
    /// - Throws: ``ChildProcessError`` when the output ends or `limit` passes first.
    @discardableResult
    public func waitForLine(containing text: String, within limit: Duration = .seconds(30)) throws -> String {
        let deadline = Deadline(limit)
        let what = "a line containing \(text.debugDescription)"
        while true {
            guard let line = try readLine(until: deadline, limit: limit, waitingFor: what) else {
                throw ChildProcessError.outputEnded(program: program, what: what, errorOutput: errorText)
            }
            if line.contains(text) { return line }
        }
    }

    /// Reads until standard error holds `text` (a program's log line, say);
    /// false when the child closes its standard error or `limit` passes
    /// first. Each byte is searched once however often this is called for
    /// the same text, so watching a chatty program's log stays cheap.
    ///
    ///     #expect(try server.errorOutputContains("127.0.0.1:50312: disconnected\n"))
    public func errorOutputContains(_ text: String, within limit: Duration = .seconds(30)) throws -> Bool {
        let needle = Array(text.utf8)
        func found() -> Bool {
            let start = errorSearchedUpTo[needle] ?? 0
            guard errorOutput.count - start >= needle.count else { return false }
            if errorOutput[start...].firstRange(of: needle) != nil { return true }
            errorSearchedUpTo[needle] = errorOutput.count - needle.count + 1
            return false
        }
        try pump(until: Deadline(limit)) { found() || errorDescriptor < 0 }
        return found()
    }

    /// Every line of standard output that is there or arrives during
    /// `duration`: a measuring window, not a wait for an event.
    public func lines(during duration: Duration) throws -> [String] {
        try pump(until: Deadline(duration)) { outputDescriptor < 0 }
        var lines: [String] = []
        while let newline = output.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: output[..<newline], as: UTF8.self))
            output.removeFirst(newline + 1)
        }
        return lines
    }

    /// Writes `bytes` to the child's standard input (``Input/open``),
    /// collecting its output meanwhile so that neither side can block the other.
    /// - Throws: ``SystemCallFailure`` when the child no longer reads its
    ///   input; ``ChildProcessError`` when it does not take it within `limit`.
    public func write(_ bytes: [UInt8], within limit: Duration = .seconds(30)) throws {
        if inputDescriptor >= 0 {
            pendingInput += bytes
            sendPendingInput()
            try pump(until: Deadline(limit)) { pendingInput.isEmpty || inputDescriptor < 0 }
        }
        if inputDescriptor < 0 {
            throw SystemCallFailure(call: "send", path: "standard input of \(program)", errno: inputError ?? EBADF)
        }
        guard pendingInput.isEmpty else {
            throw ChildProcessError.timedOut(
                program: program, what: "taking \(bytes.count) bytes of input", limit: limit, errorOutput: errorText)
        }
    }

    /// Ends the child's standard input: it reads end of input.
    public func closeInput() {
        guard inputDescriptor >= 0 else { return }
        _ = Glibc.close(inputDescriptor)
        inputDescriptor = -1
        pendingInput = []
    }

    /// Sends `signal` to the child.
    public func send(signal: Int32) {
        guard exitStatus == nil else { return }
        _ = Glibc.kill(pid, signal)
    }

    /// True while the child has not exited.
    public var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        exitStatus = ExitStatus(waitStatus: status)
        return false
    }

    /// What `/proc` says about the child.
    public var status: ProcessStatus { ProcessStatus(pid: pid) }

    /// Collects all remaining output until the child closes its standard
    /// output and error, then reaps it.
    /// - Throws: ``ChildProcessError`` when `limit` passes first (the child
    ///   keeps running until ``kill()`` or deinit).
    public func waitForExit(within limit: Duration = .seconds(30)) throws -> ExitStatus {
        let deadline = Deadline(limit)
        try pump(until: deadline) { outputDescriptor < 0 && errorDescriptor < 0 }
        // Both outputs end when the child exits; its exit is reported a
        // moment later, and a child that closed them and lives on must not
        // hang the test, so a blocking waitpid is no option.
        var pause: Int32 = 1
        while outputDescriptor < 0, errorDescriptor < 0, exitStatus == nil, !deadline.hasPassed, isRunning {
            _ = poll(nil, 0, min(pause, deadline.pollTimeout))
            pause = min(pause * 2, 50)
        }
        guard let exitStatus else {
            throw ChildProcessError.timedOut(program: program, what: "exiting", limit: limit, errorOutput: errorText)
        }
        return exitStatus
    }

    /// Kills the child (`SIGKILL`) and reaps it.
    public func kill() {
        guard exitStatus == nil else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        exitStatus = ExitStatus(waitStatus: status)
    }

    private func readLine(until deadline: Deadline, limit: Duration, waitingFor what: String) throws -> String? {
        try pump(until: deadline) { output.contains(UInt8(ascii: "\n")) || outputDescriptor < 0 }
        if let newline = output.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: output[..<newline], as: UTF8.self)
            output.removeFirst(newline + 1)
            return line
        }
        guard outputDescriptor < 0 else {
            throw ChildProcessError.timedOut(program: program, what: what, limit: limit, errorOutput: errorText)
        }
        return nil
    }

    /// Moves data between the child's streams and the buffers until `done()`,
    /// until nothing more can come, or until `deadline` passes.
    private func pump(until deadline: Deadline, _ done: () -> Bool) throws(SystemCallFailure) {
        while !done() {
            var watched: [pollfd] = []
            if outputDescriptor >= 0 { watched.append(pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)) }
            if errorDescriptor >= 0 { watched.append(pollfd(fd: errorDescriptor, events: Int16(POLLIN), revents: 0)) }
            if inputDescriptor >= 0, !pendingInput.isEmpty {
                watched.append(pollfd(fd: inputDescriptor, events: Int16(POLLOUT), revents: 0))
            }
            guard !watched.isEmpty, try deadline.awaitEvents(on: &watched) else { return }
            for state in watched where state.revents != 0 {
                switch state.fd {
                case outputDescriptor: receive(into: &output, from: &outputDescriptor)
                case errorDescriptor: receive(into: &errorOutput, from: &errorDescriptor)
                default: sendPendingInput()
                }
            }
            if deadline.hasPassed { return }
        }
    }

    /// Appends what `descriptor` has now; closes it at end of output.
    private func receive(into buffer: inout [UInt8], from descriptor: inout Int32) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count > 0 {
            buffer += chunk[0..<count]
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Sends what the child's input takes now, without waiting.
    private func sendPendingInput() {
        while inputDescriptor >= 0, !pendingInput.isEmpty {
            let sent = pendingInput.withUnsafeBytes {
                Glibc.send(inputDescriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if sent > 0 {
                pendingInput.removeFirst(sent)
            } else if errno == EAGAIN {
                return
            } else if errno != EINTR {
                inputError = errno
                closeInput()
            }
        }
        if closeInputWhenSent, pendingInput.isEmpty { closeInput() }
    }

    /// A connected pair of Unix stream sockets, both close-on-exec: (ours, the child's).
    /// Neither is a standard stream's number, which a test runner started
    /// without one leaves free: the child's `dup2`s onto 0, 1 and 2 would
    /// overwrite it before it was duplicated.
    private static func socketPair() throws(SystemCallFailure) -> (ours: Int32, theirs: Int32) {
        var descriptors: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &descriptors) == 0 else { throw SystemCallFailure(call: "socketpair", errno: errno) }
        for index in descriptors.indices where descriptors[index] < 3 {
            let moved = fcntl(descriptors[index], F_DUPFD_CLOEXEC, 3)
            let failure = errno
            _ = Glibc.close(descriptors[index])
            descriptors[index] = moved
            if moved < 0 {
                descriptors.filter { $0 >= 0 }.forEach { _ = Glibc.close($0) }
                throw SystemCallFailure(call: "fcntl", errno: failure)
            }
        }
        return (descriptors[0], descriptors[1])
    }
}
