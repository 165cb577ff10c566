import AsyncCore
import Glibc

/// Why a ``ChildProcess`` could not start.
struct SpawnError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "posix_spawn failed: \(Errno(rawValue: errno).message)" }
}

/// A child process whose standard output the test reads line by line, with
/// deadlines. The child is killed by ``kill()``.
final class ChildProcess {
    let pid: pid_t
    private let output: Int32
    private var buffered: [UInt8] = []
    private var reaped = false

    /// Starts `arguments[0]` with `arguments`; standard error is shared with
    /// the test process.
    init(_ arguments: [String]) throws {
        let (readEnd, writeEnd) = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        let argv = arguments.map { strdup($0) } + [nil]
        let environment = [strdup("SWIFT_BACKTRACE=enable=no"), nil]
        defer { (argv + environment).forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawn(&child, arguments[0], &actions, nil, argv, environment)
        _ = Glibc.close(writeEnd)
        guard status == 0 else {
            _ = Glibc.close(readEnd)
            throw SpawnError(errno: status)
        }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        pid = child
        output = readEnd
    }

    deinit {
        kill()
        _ = Glibc.close(output)
    }

    /// The next line of output (without its newline); nil at end of output.
    /// - Throws: ``PeerError/timedOut(_:)`` when `limit` passes first.
    func readLine(within limit: Duration) throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if count > 0 {
                buffered += chunk[0..<count]
                continue
            }
            if count == 0 { return nil }
            guard errno == EAGAIN || errno == EINTR else { throw SystemError(.read, errno: Errno(rawValue: errno)) }
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { throw PeerError.timedOut("read a line from child \(pid)") }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
        }
    }

    /// Reads lines until one contains `text`; returns it.
    func waitForLine(containing text: String, within limit: Duration) throws -> String {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard let line = try readLine(within: max(left, .zero)) else {
                throw PeerError.timedOut("see \"\(text)\" before the child's output ended")
            }
            if line.contains(text) { return line }
        }
    }

    /// Reads every line written during `duration`: a measuring window, not a wait for an event.
    func lines(during duration: Duration) throws -> [String] {
        let deadline = ContinuousClock.now.advanced(by: duration)
        var lines: [String] = []
        while ContinuousClock.now < deadline {
            do {
                guard let line = try readLine(within: ContinuousClock.now.duration(to: deadline)) else { break }
                lines.append(line)
            } catch is PeerError {
                break
            }
        }
        return lines
    }

    /// True while the child has not exited.
    var isRunning: Bool {
        guard !reaped else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            reaped = true
            return false
        }
        return true
    }

    /// User plus system CPU time the child has used so far.
    func cpuTime() throws -> Duration {
        let descriptor = Glibc.open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(.open, errno: Errno(rawValue: errno)) }
        defer { _ = Glibc.close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 1024)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw SystemError(.read, errno: Errno(rawValue: errno)) }
        // Fields after the parenthesised command name: state is the first,
        // utime the 12th and stime the 13th (proc(5) fields 14 and 15).
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return .zero }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return .zero }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .milliseconds((user + system) * 1000 / ticksPerSecond)
    }

    /// Kills the child (`SIGKILL`) and reaps it.
    func kill() {
        guard !reaped else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }
}

/// The path of an executable SwiftPM built next to the test bundle.
func builtExecutable(_ name: String) -> String {
    var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &path, path.count - 1)
    guard length > 0 else { return name }
    let bundle = String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = bundle.lastIndex(of: "/") else { return name }
    return String(bundle[..<slash]) + "/" + name
}
