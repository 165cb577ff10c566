import AsyncCore
import Glibc
import Testing

/// A program started by a test, with its standard output and error on
/// sockets the test reads under deadlines.
///
/// The sockets come from `socketpair` with close-on-exec set atomically, so
/// a process started by a concurrent test never inherits them and holds
/// them open.
final class ChildProcess {
    let pid: pid_t
    private let output: Socket
    private let errorOutput: Socket
    private var outputBuffer: [UInt8] = []
    private(set) var errorText = ""
    private var exitStatus: Int32?

    /// Starts `path` with `arguments`, an empty environment, default signal
    /// dispositions, and only `blockedSignals` blocked.
    init(path: String, arguments: [String], blockedSignals: [Int32] = []) throws {
        let (outputRead, outputWrite) = try Socket.pair()
        let (errorRead, errorWrite) = try Socket.pair()
        for end in [outputWrite, errorWrite] {
            // The child's ends must block, as a terminal or pipe would.
            _ = fcntl(end.descriptor, F_SETFL, fcntl(end.descriptor, F_GETFL) & ~O_NONBLOCK)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
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
        posix_spawn_file_actions_adddup2(&actions, outputWrite.descriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, errorWrite.descriptor, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
        outputWrite.close()
        errorWrite.close()
        guard status == 0 else {
            outputRead.close()
            errorRead.close()
            throw SpawnError(errno: status, path: path)
        }
        self.pid = pid
        output = outputRead
        errorOutput = errorRead
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        output.close()
        errorOutput.close()
    }

    /// The next line of standard output, without its newline; nil at end of
    /// output or when `limit` passes first.
    func readLine(limit: Duration = .seconds(20)) throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while true {
            if let newline = outputBuffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: outputBuffer[..<newline], as: UTF8.self)
                outputBuffer.removeFirst(newline + 1)
                return line
            }
            guard try readSome(from: output, into: &outputBuffer, until: deadline) else { return nil }
        }
    }

    /// Waits until the process has exited (its output closes first), collects
    /// standard error, and returns the exit status; nil if it was killed by a
    /// signal or `limit` passed.
    func waitForExit(limit: Duration = .seconds(20)) throws -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        var discarded: [UInt8] = []
        while try readSome(from: output, into: &discarded, until: deadline) {}
        var errorBytes: [UInt8] = []
        while try readSome(from: errorOutput, into: &errorBytes, until: deadline) {}
        errorText = String(decoding: errorBytes, as: UTF8.self)
        guard ContinuousClock.now < deadline else { return nil }
        var status: Int32 = 0
        guard waitpid(pid, &status, 0) == pid else { return nil }
        exitStatus = status
        let signalled = status & 0x7F != 0
        return signalled ? nil : (status >> 8) & 0xFF
    }

    /// Reads what is there within the deadline; false at end of output or past the deadline.
    private func readSome(from socket: Socket, into buffer: inout [UInt8], until deadline: ContinuousClock.Instant) throws -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            var poller = pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = try chunk.withUnsafeMutableBytes { raw throws(SystemError) in try socket.receive(into: raw) }
            guard let count else { continue }
            if count == 0 { return false }
            buffer += chunk[0..<count]
            return true
        }
    }
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

/// `posix_spawn` failed.
struct SpawnError: Error, CustomStringConvertible {
    let errno: Int32
    let path: String

    var description: String { "cannot start \(path): \(SystemError.message(for: errno))" }
}
