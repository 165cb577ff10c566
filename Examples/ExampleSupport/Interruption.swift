/// An interactive program was stopped by a signal before its job was done.
/// ``CommandLineProgram`` exits with 128 + the signal's number and no
/// message, as a shell reports a command ended by Ctrl-C (130).
///
/// ```swift
/// try loop.onSignals([SIGINT, SIGTERM]) { signal in
///     stoppedBy = signal
///     loop.handle.stop()
/// }
/// try loop.run()
/// if let stoppedBy { throw Interruption(signal: stoppedBy) }
/// ```
public struct Interruption: Error, Hashable, CustomStringConvertible {
    /// The signal's number (`SIGINT`, `SIGTERM`).
    public let signal: Int32

    public init(signal: Int32) {
        self.signal = signal
    }

    public var description: String { "stopped by signal \(signal)" }
}
