/// Settings shared by every echo mode.
///
/// ```swift
/// let options = try EchoOptions(maxPendingOutput: 256 * 1024)
/// let server = try EchoServer(address: .ipv4(port: 7007), mode: .line, options: options, loop: loop)
/// ```
public struct EchoOptions: Sendable, Hashable {
    /// The default bound on one client's unsent echo: 1 MiB.
    public static let defaultMaxPendingOutput = 1 << 20

    /// The most echo bytes a client may leave unread in the server's memory.
    /// At that point the server stops reading from the client until half of
    /// it has been sent.
    public let maxPendingOutput: Int

    /// The default longest line the line mode echoes: 64 KiB.
    public static let defaultMaxLineLength = 65536

    /// The longest line, without its line end, that the line mode echoes.
    public let maxLineLength: Int

    /// The defaults: a 1 MiB bound on pending output, 64 KiB lines.
    public init() {
        maxPendingOutput = EchoOptions.defaultMaxPendingOutput
        maxLineLength = EchoOptions.defaultMaxLineLength
    }

    /// Options with a bound on pending output and on line length, in bytes.
    /// - Throws: ``EchoOptionsError/maxPendingOutputNotPositive(_:)`` or
    ///   ``EchoOptionsError/maxLineLengthNotPositive(_:)`` when a bound is 0
    ///   or less: such a server could never echo anything.
    public init(
        maxPendingOutput: Int = EchoOptions.defaultMaxPendingOutput,
        maxLineLength: Int = EchoOptions.defaultMaxLineLength
    ) throws(EchoOptionsError) {
        guard maxPendingOutput > 0 else { throw .maxPendingOutputNotPositive(maxPendingOutput) }
        guard maxLineLength > 0 else { throw .maxLineLengthNotPositive(maxLineLength) }
        self.maxPendingOutput = maxPendingOutput
        self.maxLineLength = maxLineLength
    }
}
