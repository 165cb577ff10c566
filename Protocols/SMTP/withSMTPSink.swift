import AsyncCore

/// Runs `body` with an ``SMTPSink`` started for it, and stops the sink when
/// `body` ends, whether it returns or throws: the scoped way to use one in
/// a test, which leaves no server running even when the test fails.
///
/// ```swift
/// @Test func aReceiptIsMailed() async throws {
///     try await withSMTPSink { sink in
///         try await shop.checkOut(cart, mailServer: sink.address)
///         let receipt = try await sink.nextMessage(within: .seconds(5))
///         #expect(receipt.mailFrom == "shop@example.com")
///     }
/// }
/// ```
/// The sink listens on `address` (a free port on 127.0.0.1 by default);
/// ``SMTPSink/address`` is where it listens.
/// - Throws: what starting the sink threw, and what `body` threw, as thrown.
public func withSMTPSink<Result>(
    configuration: SMTPConfiguration = SMTPConfiguration(),
    on address: SocketAddress = .ipv4(host: "127.0.0.1", port: 0),
    reply: @escaping @Sendable (SMTPMessage) -> SMTPReply = { _ in .ok },
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SMTPSink) async throws -> Result
) async throws -> Result {
    let sink = try await SMTPSink.start(configuration: configuration, on: address, reply: reply)
    defer { sink.stop() }
    return try await body(sink)
}
