import AsyncCore

/// The kinds of echo server this module offers, by the name a command line uses.
///
/// ```swift
/// let mode = EchoMode(rawValue: name) ?? .raw      // "raw", as on a command line
/// let server = try mode.makeServer(address: .ipv4(port: 0), options: EchoOptions(), loop: loop)
/// print("listening on \(try server.localAddress)")
/// try loop.run()
/// ```
public enum EchoMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Every byte goes back as soon as it arrives, however the input is split:
    /// ``RawEchoServer``.
    case raw

    /// Binds and starts a listening server of this mode on `address`.
    /// - Throws: `SystemError` when the socket cannot be made, bound or listened on.
    public func makeServer(address: SocketAddress, options: EchoOptions, loop: EventLoop) throws(SystemError) -> Dispatcher {
        switch self {
        case .raw: return try RawEchoServer(address: address, options: options, loop: loop)
        }
    }

    public var description: String { rawValue }
}
