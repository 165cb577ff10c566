import Glibc

/// What `/proc` says about a running process: CPU time, memory, pending
/// signals, open descriptors. Each call reads the kernel's view afresh.
///
///     let status = ProcessStatus(pid: server.pid)
///     let before = try status.cpuTime()
public struct ProcessStatus: Sendable {
    public let pid: pid_t

    public init(pid: pid_t) {
        self.pid = pid
    }

    /// User plus system CPU time the process has used so far.
    public func cpuTime() throws(SystemCallFailure) -> Duration {
        let text = try read("stat")
        // Fields after the parenthesised command name (which may hold spaces):
        // state is the first, utime the 12th and stime the 13th (proc(5) fields 14 and 15).
        guard let close = text.lastIndex(of: ")") else { return .zero }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return .zero }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .milliseconds((user + system) * 1000 / ticksPerSecond)
    }

    /// Resident memory in bytes: now (`VmRSS`) and at its peak (`VmHWM`), read together.
    public func residentMemory() throws(SystemCallFailure) -> (current: Int, peak: Int) {
        let lines = try read("status").split(separator: "\n")
        func kibibytes(_ key: String) -> Int {
            guard let line = lines.first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        }
        return (kibibytes("VmRSS") << 10, kibibytes("VmHWM") << 10)
    }

    /// The signals pending, thread-directed or process-wide (`SigPnd` and
    /// `ShdPnd`), as a bit mask with bit `n - 1` for signal `n`.
    public func pendingSignals() throws(SystemCallFailure) -> UInt64 {
        var mask: UInt64 = 0
        for line in try read("status").split(separator: "\n") where line.hasPrefix("SigPnd:") || line.hasPrefix("ShdPnd:") {
            mask |= line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) } ?? 0
        }
        return mask
    }

    /// How many descriptors the process holds open.
    public func openDescriptorCount() throws(SystemCallFailure) -> Int {
        let path = "/proc/\(pid)/fd"
        guard let directory = opendir(path) else { throw SystemCallFailure(call: "opendir", path: path, errno: errno) }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        return count
    }

    /// The slots of its descriptor table (`FDSize`): grown by doubling as
    /// descriptors are opened, never shrunk.
    public func descriptorTableSize() throws(SystemCallFailure) -> Int {
        let line = try read("status").split(separator: "\n").first { $0.hasPrefix("FDSize:") }
        return line?.split(separator: "\t").last.flatMap { Int($0) } ?? 0
    }

    /// How many threads it runs (`Threads`).
    public func threadCount() throws(SystemCallFailure) -> Int {
        let line = try read("status").split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line?.split(separator: "\t").last.flatMap { Int($0) } ?? 0
    }

    /// Its soft and hard limits on open descriptors, from `limits`.
    public func openFileLimits() throws(SystemCallFailure) -> (soft: Int, hard: Int)? {
        let line = try read("limits").split(separator: "\n").first { $0.hasPrefix("Max open files") }
        let numbers = line?.split(separator: " ").compactMap { Int($0) } ?? []
        return numbers.count >= 2 ? (numbers[0], numbers[1]) : nil
    }

    /// One of the process's `/proc` files; each is small and read in one call.
    private func read(_ name: String) throws(SystemCallFailure) -> String {
        let path = "/proc/\(pid)/\(name)"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallFailure(call: "open", path: path, errno: errno) }
        defer { _ = close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw SystemCallFailure(call: "read", path: path, errno: count == 0 ? ENODATA : errno) }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }
}
