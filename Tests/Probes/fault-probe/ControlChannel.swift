import AsyncCore

/// Standard input of the probe, read on the server's own loop: each line is a
/// command from the test, answered on standard output. The answer comes
/// only when the loop gets round to it, so a stuck loop shows as a missed
/// deadline in the test. End of input (the test went away) stops the probe.
///
///     stats  ->  stats dispatchers=D held=H queued=Q delivered=M signals=S
final class ControlChannel: FileDispatcher {
    private var pending: [UInt8] = []
    private let report: () -> String

    init(loop: EventLoop, report: @escaping () -> String) throws(SystemError) {
        self.report = report
        try super.init(fileDescriptor: .standardInput, loop: loop)
    }

    override func writable() -> Bool { false }

    override func handleRead() throws {
        pending += try recv(4096)
        while let newline = pending.firstIndex(of: 10) {
            let command = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            say(command == "stats" ? report() : "error: unknown command \(command)")
        }
    }

    override func handleClose() {
        close()
        loop.handle.stop()
    }
}

/// Writes one line to standard output, unbuffered; a test that went away
/// (a closed pipe) is not an error here.
func say(_ line: String) {
    try? FileDescriptor.standardOutput.writeAll(Array((line + "\n").utf8))
}
