import AsyncCore
import Glibc

/// How every server program runs: until SIGINT or SIGTERM, then a clean
/// stop that gives open connections a moment to hear about it.
///
/// ```swift
/// let lifetime = try ServerLifetime(loop: loop, grace: .seconds(2)) { signal in
///     log("\(signal): stopping")
///     server.shutDown()          // stop accepting, tell the clients
/// }
/// Console.printLine("listening on \(try server.localAddress)")
/// try lifetime.run()             // returns once stopped; the exit status is 0
/// ```
/// The handlers are installed when the lifetime is made: make it before the
/// port is announced, so a stop sent as soon as the port is seen is not
/// lost. After the stop the loop runs on until every dispatcher has closed
/// or `grace` has passed, and then closes what is left. A second signal
/// ends the grace at once.
public final class ServerLifetime {
    private let loop: EventLoop
    private let grace: Duration
    private var deadline: LoopInstant?

    /// Installs SIGINT and SIGTERM handlers on `loop`. `onStop` runs on the
    /// loop's thread at the first of them, with its name (`"SIGTERM"`).
    /// - Throws: `SystemError` when the handlers cannot be installed.
    public init(loop: EventLoop, grace: Duration, onStop: @escaping (String) -> Void) throws(SystemError) {
        self.loop = loop
        self.grace = grace
        try loop.onSignals([SIGINT, SIGTERM]) { [unowned self] signal in
            guard deadline == nil else {
                deadline = self.loop.clock.now
                return
            }
            onStop(signal == SIGINT ? "SIGINT" : "SIGTERM")
            deadline = self.loop.clock.now.advanced(by: self.grace)
        }
    }

    /// Runs the loop until a stop signal and its grace period are over.
    /// - Throws: `SystemError` when the loop fails.
    public func run() throws(SystemError) {
        while true {
            try loop.runPass(timeout: deadline.map { max(.zero, $0.duration(since: loop.clock.now)) })
            if let deadline, loop.dispatchers.isEmpty || loop.clock.now >= deadline { break }
        }
        loop.closeAll()
    }

    /// Raises the open-file limit to the hard limit, since a server needs one
    /// descriptor per client and the usual soft limit of 1024 would cap it
    /// long before memory does. Returns the limit as a log line shows it;
    /// without the raise the server still serves.
    public static func raiseOpenFileLimit() -> String {
        do {
            return String(try OpenFileLimit.raiseToHardLimit())
        } catch {
            return "unchanged (\(error))"
        }
    }
}
