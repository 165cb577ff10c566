/// Settings shared by every echo mode.
///
/// ```swift
/// let options = try EchoOptions(maxPendingOutput: 256 * 1024)
/// let server = try RawEchoServer(address: .ipv4(port: 7007), options: options, loop: loop)
/// ```
public struct EchoOptions: Sendable, Hashable {
    /// The default bound on one client's unsent echo: 1 MiB.
    public static let defaultMaxPendingOutput = 1 << 20

    /// The most echo bytes a client may leave unread in the server's memory.
    /// At that point the server stops reading from the client until half of
    /// it has been sent.
    public let maxPendingOutput: Int

    /// The defaults: a 1 MiB bound on pending output.
    public init() {
        maxPendingOutput = EchoOptions.defaultMaxPendingOutput
    }

    /// Options with a bound on pending output, in bytes.
    /// - Throws: ``EchoOptionsError/maxPendingOutputNotPositive(_:)`` when the
    ///   bound is 0 or less: such a server could never read anything.
    public init(maxPendingOutput: Int) throws(EchoOptionsError) {
        guard maxPendingOutput > 0 else { throw .maxPendingOutputNotPositive(maxPendingOutput) }
        self.maxPendingOutput = maxPendingOutput
    }
}
