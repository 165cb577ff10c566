import AsyncCore
import Synchronization

extension SocketAddress {
    private static let lastOwnLoopback = Atomic<UInt32>(0)

    /// A loopback address no other test of this process listens on, port 0:
    /// 127.1.x.y, each call the next (Linux routes all of 127.0.0.0/8 to the
    /// loopback interface). For a test that checks a stopped server's port
    /// refuses connections: on 127.0.0.1 another test's server, running in
    /// parallel, may be given that port as soon as it is free.
    ///
    ///     try await withSMTPSink(on: .ownLoopback()) { sink in ... }
    public static func ownLoopback() -> SocketAddress {
        let number = lastOwnLoopback.add(1, ordering: .relaxed).newValue
        return .ipv4(host: "127.1.\((number >> 8) & 0xff).\(number & 0xff)", port: 0)
    }

    /// An address where nothing listens: a port bound on an
    /// ``ownLoopback()`` address and closed again, so a connect to it is refused.
    ///
    ///     let error = try await connect(to: try .nothingListening())
    public static func nothingListening() throws -> SocketAddress {
        let closed = try Socket.make()
        defer { closed.close() }
        try closed.bind(to: .ownLoopback())
        return try closed.localAddress()
    }
}
