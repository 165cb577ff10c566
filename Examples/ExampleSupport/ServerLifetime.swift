import AsyncCore
import Glibc

/// How every server program runs: its loops serve until SIGINT or SIGTERM,
/// then a clean stop that gives open connections a moment to hear about it.
///
/// ```swift
/// let group = try EventLoopGroup(loops: settings.threads)
/// let address = try group.serve(listenAddress) { loop in EchoServer(loop: loop) }
/// let lifetime = try ServerLifetime(group: group, grace: .seconds(2)) { signal in
///     log("\(signal): stopping")
///     group.stopAccepting()      // stop accepting, tell the clients
/// }
/// Console.printLine("listening on \(address)")
/// try lifetime.run()             // returns once stopped; the exit status is 0
/// ```
/// The handlers are installed when the lifetime is made: make it before the
/// port is announced, so a stop sent as soon as the port is seen is not
/// lost. The signals are waited for on the calling thread, which `onStop`
/// runs on. After the stop the group's loops run on until none has a
/// dispatcher left or `grace` has passed; then the group stops, closing
/// what is left. A second signal ends the grace at once.
public final class ServerLifetime {
    private let group: EventLoopGroup
    /// The calling thread's loop: it only waits for the signals.
    private let control: EventLoop
    private let grace: Duration
    private var deadline: LoopInstant?

    /// Installs SIGINT and SIGTERM handlers. `onStop` runs on this thread at
    /// the first of them, with its name (`"SIGTERM"`).
    /// - Throws: `SystemError` when the handlers cannot be installed.
    public init(group: EventLoopGroup, grace: Duration, onStop: @escaping (String) -> Void) throws(SystemError) {
        self.group = group
        self.grace = grace
        control = try EventLoop()
        try control.onSignals([SIGINT, SIGTERM]) { [unowned self] signal in
            guard deadline == nil else {
                deadline = control.clock.now
                return
            }
            onStop(signal == SIGINT ? "SIGINT" : "SIGTERM")
            deadline = control.clock.now.advanced(by: self.grace)
        }
    }

    /// Waits for a stop signal, then for the grace period, then stops the group.
    /// - Throws: `SystemError` when waiting for the signals fails.
    public func run() throws(SystemError) {
        while true {
            // While draining, look at the loops every 10 ms.
            try control.runPass(timeout: deadline.map { min(.milliseconds(10), max(.zero, $0.duration(since: control.clock.now))) })
            if let deadline, control.clock.now >= deadline || group.openDispatcherCount() == 0 { break }
        }
        group.stop()
    }

    /// Raises the open-file limit to the hard limit, since a server needs one
    /// descriptor per client and the usual soft limit of 1024 would cap it
    /// long before memory does, and makes room in the descriptor table for
    /// up to 65,536 of them before any loop thread starts (a table that grows
    /// under a connection storm stalls a threaded process; see
    /// `OpenFileLimit.reserveDescriptorTable(for:)`). Returns the limit as a
    /// log line shows it; without the raise the server still serves.
    public static func raiseOpenFileLimit() -> String {
        let limit: Int
        do {
            limit = try OpenFileLimit.raiseToHardLimit()
        } catch {
            return "unchanged (\(error))"
        }
        // Without the room a storm of connections is slower, never refused.
        _ = try? OpenFileLimit.reserveDescriptorTable(for: min(limit, reservedDescriptors))
        return String(limit)
    }

    /// Half a megabyte of table: enough for the load tests' 10,000 clients.
    private static let reservedDescriptors = 65_536
}
