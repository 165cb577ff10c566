// A server for FaultTests, run as a child process so that what is
// process-wide — descriptor limits, signal handlers, resident memory — is
// its own and never the test process's.
//
//     fault-probe echo [--mode line|raw] [--nofile N|max] [--reserve-descriptors N]
//                      [--backend epoll|poll] [--signals] [--busy-neighbour]
//     fault-probe smtp [--size N]
//
// Prints "listening on HOST:PORT", then every line the loop logs as
// "log: ...". Reads commands from standard input (see ControlChannel) and
// exits when standard input ends.
import AsyncChat
import AsyncCore
import Echo
import Glibc
import SMTP

// Descriptors a concurrent test left open across the spawn would make the
// descriptor counts and limits unpredictable.
for descriptor in 3..<getdtablesize() { _ = close(descriptor) }

do {
    let settings = try ProbeSettings(Array(CommandLine.arguments.dropFirst()))
    for change in settings.descriptorLimits {
        switch change {
        case .hard:
            try OpenFileLimit.raiseToHardLimit()
        case .soft(let count):
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            limit.rlim_cur = rlim_t(min(count, Int(limit.rlim_max)))
            guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
                throw SystemError(.setrlimit, errno: Errno(rawValue: errno))
            }
        }
    }

    if let count = settings.reservedDescriptors { try OpenFileLimit.reserveDescriptorTable(for: count) }

    let loop = try EventLoop(backend: settings.backend)
    loop.logger = { say("log: \($0)") }
    var signalsReceived = 0
    if settings.countsSignals {
        try loop.onSignals([SIGUSR1]) { _ in signalsReceived += 1 }
    }
    // Another loop in the process, awake all the time: the signals are the
    // server loop's all the same.
    let neighbour = settings.hasBusyNeighbour ? try EventLoopThread(name: "neighbour", backend: settings.backend) { loop in
        tick(loop)
    } : nil
    var delivered = 0
    let listener: Dispatcher
    switch settings.server {
    case .echo(let mode):
        listener = try EchoServer(address: .ipv4(host: "127.0.0.1", port: 0), mode: mode, loop: loop)
    case .smtp:
        var configuration = SMTPConfiguration(hostname: "probe.test")
        configuration.maxMessageSize = settings.maxMessageSize
        let server = try SMTPServer(configuration: configuration, handler: ClosureHandler { _ in
            delivered += 1
            return .ok
        }, loop: loop)
        try server.listen(on: .ipv4(host: "127.0.0.1", port: 0))
        listener = server
    }
    _ = try ControlChannel(loop: loop) {
        var held = 0
        var queued = 0
        for dispatcher in loop.dispatchers {
            if let channel = dispatcher as? ChatChannel {
                queued += channel.queuedOutputCount
                if !channel.isWritable { held += 1 }
            } else if let handler = dispatcher as? RawEchoHandler {
                queued += handler.pendingOutputCount
                if handler.isReadingPaused { held += 1 }
            }
        }
        return "stats dispatchers=\(loop.dispatchers.count) held=\(held) queued=\(queued) delivered=\(delivered) signals=\(signalsReceived)"
    }
    say("listening on \(try listener.localAddress)")
    try loop.runUntilStopped()
    loop.closeAll()
    neighbour?.stop()
} catch {
    say("error: \(error)")
    exit(1)
}

/// Wakes `loop` every millisecond, for as long as it runs.
private func tick(_ loop: EventLoop) {
    loop.schedule(after: .milliseconds(1)) { tick(loop) }
}
