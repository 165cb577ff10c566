/// The kinds of echo this module offers, by the name a command line uses.
///
/// ```swift
/// let mode = EchoMode(rawValue: name) ?? .line     // "line" or "raw", as on a command line
/// let server = try EchoServer(address: .ipv4(port: 0), mode: mode, loop: loop)
/// ```
public enum EchoMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Each line goes back once it is complete, with the line end it came
    /// with: ``LineEchoChannel``.
    case line
    /// Every byte goes back as soon as it arrives, however the input is split:
    /// ``RawEchoHandler``.
    case raw

    public var description: String { rawValue }
}
