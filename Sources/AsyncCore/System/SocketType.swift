import CSystem
import Glibc

/// The kind of a socket: a byte stream or datagrams.
///
/// ```swift
/// let socket = try Socket.make(family: .ipv4, type: .datagram)
/// ```
public enum SocketType: Sendable, Hashable, CaseIterable {
    /// A reliable byte stream, TCP for IP (`SOCK_STREAM`).
    case stream
    /// Datagrams, UDP for IP (`SOCK_DGRAM`).
    case datagram

    /// The C constant.
    var rawValue: Int32 {
        switch self {
        case .stream: return Int32(SOCK_STREAM.rawValue)
        case .datagram: return Int32(SOCK_DGRAM.rawValue)
        }
    }

    /// The type of a C constant; nil for a type this library does not handle.
    init?(rawValue: Int32) {
        switch rawValue {
        case Int32(SOCK_STREAM.rawValue): self = .stream
        case Int32(SOCK_DGRAM.rawValue): self = .datagram
        default: return nil
        }
    }
}
