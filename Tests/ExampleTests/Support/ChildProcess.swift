import AsyncCore
import Glibc

/// A program started by a test, with its standard output and error on
/// sockets the test reads under deadlines.
///
/// The sockets come from `socketpair` with close-on-exec set atomically, so
/// a process started by a concurrent test never inherits them and holds
/// them open.
final class ChildProcess {
    let pid: pid_t
    /// Standard output not yet returned by ``readLine(limit:)``.
    private(set) var output: [UInt8] = []
    /// Standard error, complete once ``waitForExit(limit:)`` has returned.
    var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
    private var errorOutput: [UInt8] = []
    /// Where ``waitForError(containing:limit:)`` resumes its search for each text.
    private var errorSearchedUpTo: [[UInt8]: Int] = [:]
    private var outputStream: Socket?
    private var errorStream: Socket?
    /// Standard input's other end, while the child's input stays open.
    private var inputStream: Socket?
    private var exited = false

    /// Starts `path` with `arguments`, `environment` (`NAME=value` strings;
    /// empty by default), default signal dispositions, and only
    /// `blockedSignals` blocked. With `input`, standard input is those bytes,
    /// then end of input (they must fit a socket buffer), unless
    /// `keepingInputOpen`: then the input ends when the process object goes.
    init(
        path: String, arguments: [String], environment: [String] = [], blockedSignals: [Int32] = [],
        input: [UInt8]? = nil, keepingInputOpen: Bool = false
    ) throws {
        let (outputRead, outputWrite) = try Socket.pair()
        let (errorRead, errorWrite) = try Socket.pair()
        let (inputRead, inputWrite) = try Socket.pair()
        defer {
            outputWrite.close()
            errorWrite.close()
            inputRead.close()
            if !keepingInputOpen { inputWrite.close() }
        }
        if let input {
            var offset = 0
            while offset < input.count {
                offset += try input[offset...].withUnsafeBytes { try inputWrite.send($0) } ?? 0
            }
            if !keepingInputOpen { try inputWrite.shutdown(Int32(SHUT_WR)) }
        }
        for end in [outputWrite, errorWrite, inputRead] {
            // The child's ends must block, as a terminal or pipe would.
            _ = fcntl(end.descriptor, F_SETFL, fcntl(end.descriptor, F_GETFL) & ~O_NONBLOCK)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outputWrite.descriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, errorWrite.descriptor, 2)
        if input != nil { posix_spawn_file_actions_adddup2(&actions, inputRead.descriptor, 0) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in blockedSignals { sigaddset(&blocked, signal) }
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for signal in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaulted, signal) }
        posix_spawnattr_setsigmask(&attributes, &blocked)
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else {
            outputRead.close()
            errorRead.close()
            if keepingInputOpen { inputWrite.close() }
            throw SpawnError(errno: status, path: path)
        }
        self.pid = pid
        outputStream = outputRead
        errorStream = errorRead
        if keepingInputOpen { inputStream = inputWrite }
    }

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        outputStream?.close()
        errorStream?.close()
        inputStream?.close()
    }

    /// The next line of standard output, without its newline; nil at end of
    /// output or when `limit` passes first.
    func readLine(limit: Duration = .seconds(20)) throws -> String? {
        try collect(limit: limit) { output.contains(UInt8(ascii: "\n")) }
        guard let newline = output.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: output[..<newline], as: UTF8.self)
        output.removeFirst(newline + 1)
        return line
    }

    /// Reads both streams until standard error holds `text`; false when the
    /// process closes its streams or `limit` passes first.
    func waitForError(containing text: String, limit: Duration = .seconds(20)) throws -> Bool {
        let needle = Array(text.utf8)
        // Only bytes that arrived since the last look can complete a match:
        // a chatty program's log is searched once, not once per call.
        func found() -> Bool {
            let start = errorSearchedUpTo[needle] ?? 0
            guard errorOutput.count - start >= needle.count else { return false }
            if errorOutput[start...].firstRange(of: needle) != nil { return true }
            errorSearchedUpTo[needle] = errorOutput.count - needle.count + 1
            return false
        }
        try collect(limit: limit) { found() }
        return found()
    }

    /// Collects all remaining output until the process closes both streams,
    /// then reaps it. Returns its exit status; nil if a signal killed it or
    /// `limit` passed first.
    func waitForExit(limit: Duration = .seconds(20)) throws -> Int32? {
        try collect(limit: limit) { false }
        guard outputStream == nil, errorStream == nil else { return nil }
        var status: Int32 = 0
        guard waitpid(pid, &status, 0) == pid else { return nil }
        exited = true
        let signalled = status & 0x7F != 0
        return signalled ? nil : (status >> 8) & 0xFF
    }

    /// Reads both streams as data comes, until `done()`, both streams end, or the limit.
    private func collect(limit: Duration, until done: () -> Bool) throws {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !done(), outputStream != nil || errorStream != nil {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return }
            let streams = [outputStream, errorStream].compactMap { $0 }
            var waiting = streams.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&waiting, nfds_t(waiting.count), milliseconds) > 0 else { continue }
            for (stream, state) in zip(streams, waiting) where state.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = try chunk.withUnsafeMutableBytes { raw throws(SystemError) in try stream.receive(into: raw) }
                guard let count else { continue }
                let isOutput = stream == outputStream
                if count == 0 {
                    stream.close()
                    if isOutput { outputStream = nil } else { errorStream = nil }
                } else if isOutput {
                    output += chunk[0..<count]
                } else {
                    errorOutput += chunk[0..<count]
                }
            }
        }
    }
}

/// `posix_spawn` failed.
struct SpawnError: Error, CustomStringConvertible {
    let errno: Int32
    let path: String

    var description: String { "cannot start \(path): \(SystemError.message(for: errno))" }
}

/// The path of an executable product built beside the test bundle.
func builtProduct(_ name: String) -> String {
    var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &path, path.count - 1)
    let bundle = length > 0 ? String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    var directory = bundle
    while let last = directory.last, last != "/" { directory.removeLast() }
    return directory + name
}
