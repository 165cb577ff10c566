import AsyncCore
import Glibc

/// A `fault-probe` server in a child process: its port, its control channel
/// (commands on its standard input), its output lines, and what `/proc`
/// says about it. Every wait has a deadline. The child ends when this
/// object goes away: its standard input closes, and it is killed.
final class ProbeProcess {
    let pid: pid_t
    /// The port the server listens on, on 127.0.0.1.
    private(set) var port: UInt16 = 0
    /// Lines the probe logged ("log: ..."), in order.
    private(set) var logLines: [String] = []
    private let control: Socket
    private let output: Socket
    private var buffered: [UInt8] = []
    private var reaped = false

    /// Starts `fault-probe` with `arguments`, with default signal handling
    /// and nothing blocked, and waits for it to listen.
    init(_ arguments: [String], within limit: Duration = .seconds(30)) throws {
        let (controlOurs, controlTheirs) = try Socket.pair()
        let (outputOurs, outputTheirs) = try Socket.pair()
        defer {
            controlTheirs.close()
            outputTheirs.close()
        }
        for end in [controlTheirs, outputTheirs] {
            // The child's ends block, as a terminal or pipe would.
            _ = fcntl(end.descriptor, F_SETFL, fcntl(end.descriptor, F_GETFL) & ~O_NONBLOCK)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, controlTheirs.descriptor, 0)
        posix_spawn_file_actions_adddup2(&actions, outputTheirs.descriptor, 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for signal in [SIGPIPE, SIGUSR1, SIGINT, SIGTERM] { sigaddset(&defaulted, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let path = builtExecutable("fault-probe")
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = [strdup("SWIFT_BACKTRACE=enable=no"), nil]
        defer { (argv + environment).forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawn(&child, path, &actions, &attributes, argv, environment)
        guard status == 0 else {
            controlOurs.close()
            outputOurs.close()
            throw FaultError("cannot start \(path): \(Errno(rawValue: status).message)")
        }
        pid = child
        control = controlOurs
        output = outputOurs
        let announcement = try nextLine(within: limit) { $0.hasPrefix("listening on ") || $0.hasPrefix("error: ") }
        guard let port = announcement.split(separator: ":").last.flatMap({ UInt16($0) }), announcement.hasPrefix("listening") else {
            throw FaultError("the probe did not start: \(announcement)")
        }
        self.port = port
    }

    deinit {
        control.close()
        kill()
        output.close()
    }

    /// Asks the probe's loop for its state.
    func stats(within limit: Duration = .seconds(20)) throws -> ProbeStats {
        try sendCommand("stats")
        return ProbeStats(line: try nextLine(within: limit) { $0.hasPrefix("stats ") })
    }

    /// Asks for the state until `condition` holds; returns that state.
    @discardableResult
    func waitForStats(within limit: Duration = .seconds(20), _ what: String, until condition: (ProbeStats) -> Bool) throws -> ProbeStats {
        let deadline = Deadline(limit)
        while true {
            let stats = try self.stats(within: deadline.remaining)
            if condition(stats) { return stats }
            if deadline.hasPassed { throw FaultError("timed out waiting for \(what); last stats \(stats)") }
        }
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

    /// Its resident memory now and at its peak.
    func memory() throws -> ResidentMemory {
        let status = try readProcFile("status")
        func kibibytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        }
        return ResidentMemory(current: kibibytes("VmRSS") << 10, peak: kibibytes("VmHWM") << 10)
    }

    /// The signals pending for it, thread-directed or process-wide (`SigPnd`
    /// and `ShdPnd`), as a bit mask with bit `n - 1` for signal `n`.
    func pendingSignals() throws -> UInt64 {
        let status = try readProcFile("status")
        var mask: UInt64 = 0
        for line in status.split(separator: "\n") where line.hasPrefix("SigPnd:") || line.hasPrefix("ShdPnd:") {
            mask |= line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) } ?? 0
        }
        return mask
    }

    /// How many descriptors it holds open.
    func openDescriptorCount() throws -> Int {
        guard let directory = opendir("/proc/\(pid)/fd") else { throw SystemError(.open, errno: Errno(rawValue: errno)) }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        return count
    }

    /// Sends `signal` to the child.
    func send(signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Kills the child (`SIGKILL`) and reaps it.
    func kill() {
        guard !reaped else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    /// Collects log lines that arrived so far, without waiting.
    func collectLogLines() throws {
        while let line = try readLine(within: .zero) { note(line) }
    }

    private func sendCommand(_ command: String) throws {
        let bytes = Array((command + "\n").utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(control.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw FaultError("cannot send \"\(command)\" to the probe (errno \(errno))") }
    }

    /// The next output line that `wanted` accepts; log lines on the way are kept.
    private func nextLine(within limit: Duration, where wanted: (String) -> Bool) throws -> String {
        let deadline = Deadline(limit)
        while true {
            guard let line = try readLine(within: deadline.remaining) else {
                throw FaultError(deadline.hasPassed ? "timed out reading the probe's output" : "the probe's output ended")
            }
            if wanted(line) { return line }
            note(line)
        }
    }

    private func note(_ line: String) {
        if line.hasPrefix("log: ") { logLines.append(String(line.dropFirst(5))) }
    }

    /// One line, or nil when `limit` passes or the output ends.
    private func readLine(within limit: Duration) throws -> String? {
        let deadline = Deadline(limit)
        while true {
            if let newline = buffered.firstIndex(of: 10) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let count = try chunk.withUnsafeMutableBytes { try output.receive(into: $0) }
            switch count {
            case 0: return nil
            case let count?: buffered += chunk[0..<count]
            case nil:
                if try !awaitEvents(Int16(POLLIN), on: output, until: deadline) { return nil }
            }
        }
    }

    private func readProcFile(_ name: String) throws -> String {
        let descriptor = Glibc.open("/proc/\(pid)/\(name)", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(.open, errno: Errno(rawValue: errno)) }
        defer { _ = Glibc.close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw SystemError(.read, errno: Errno(rawValue: errno)) }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }
}
