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
/// - Throws: what starting the sink threw, and what `body` threw, as thrown.
public func withSMTPSink<Result>(
    configuration: SMTPConfiguration = SMTPConfiguration(),
    reply: @escaping @Sendable (SMTPMessage) -> SMTPReply = { _ in .ok },
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SMTPSink) async throws -> Result
) async throws -> Result {
    let sink = try await SMTPSink.start(configuration: configuration, reply: reply)
    defer { sink.stop() }
    return try await body(sink)
}
