import AsyncCore

/// The stage hooks of ``SMTPHandler`` as async functions returning the
/// decision: for a handler that awaits other services, written as an actor
/// so its state needs no lock. Run it with ``AsyncHandlerBridge``.
///
/// ```swift
/// actor Directory: AsyncSMTPHandler {
///     var known: Set<String> = ["alice@example.com"]
///
///     func recipient(_ address: String, options: [String], of transaction: SMTPTransaction) async -> SMTPDecision {
///         known.contains(address) ? .accept : .reply(SMTPReply(550, "No such user here"))
///     }
/// }
///
/// let server = try SMTPServer(handler: AsyncHandlerBridge(Directory()), loop: loop)
/// ```
/// Each hook runs as a task of its own that prefers the session's loop as
/// its executor, so it needs no other thread (an actor handler's own jobs
/// run on the thread that calls into it); a session waits for its answer
/// before it reads on, so one session's hooks never overlap. Every hook has
/// a default that accepts.
public protocol AsyncSMTPHandler: Sendable {
    /// As ``SMTPHandler/keepsContent``. Default: true.
    var keepsContent: Bool { get }
    /// As ``SMTPHandler/connect(from:answer:)``.
    func connect(from client: SocketAddress) async -> SMTPDecision
    /// As ``SMTPHandler/hello(_:answer:)``.
    func hello(_ hello: SMTPHello) async -> SMTPDecision
    /// As ``SMTPHandler/mailFrom(_:answer:)``.
    func mailFrom(_ transaction: SMTPTransaction) async -> SMTPDecision
    /// As ``SMTPHandler/recipient(_:options:of:answer:)``.
    func recipient(_ address: String, options: [String], of transaction: SMTPTransaction) async -> SMTPDecision
    /// As ``SMTPHandler/content(_:of:answer:)``, with the piece copied.
    func content(_ piece: [UInt8], of transaction: SMTPTransaction) async -> SMTPDecision
    /// As ``SMTPHandler/endOfData(_:answer:)``.
    func endOfData(_ message: SMTPMessage) async -> SMTPDecision
    /// As ``SMTPHandler/abandon(_:)``.
    func abandon(_ transaction: SMTPTransaction) async
}

extension AsyncSMTPHandler {
    public var keepsContent: Bool { true }
    public func connect(from client: SocketAddress) async -> SMTPDecision { .accept }
    public func hello(_ hello: SMTPHello) async -> SMTPDecision { .accept }
    public func mailFrom(_ transaction: SMTPTransaction) async -> SMTPDecision { .accept }
    public func recipient(_ address: String, options: [String], of transaction: SMTPTransaction) async -> SMTPDecision {
        .accept
    }
    public func content(_ piece: [UInt8], of transaction: SMTPTransaction) async -> SMTPDecision { .accept }
    public func endOfData(_ message: SMTPMessage) async -> SMTPDecision { .accept }
    public func abandon(_ transaction: SMTPTransaction) async {}
}

/// Runs an ``AsyncSMTPHandler``'s hooks as tasks and hands their decisions
/// back to the sessions.
///
/// ```swift
/// let server = try SMTPServer(handler: AsyncHandlerBridge(Directory()), loop: loop)
/// ```
public final class AsyncHandlerBridge: SMTPHandler {
    private let handler: any AsyncSMTPHandler
    /// Whether the asynchronous handler takes content pieces; without, none
    /// is copied for it.
    private let streams: Bool

    /// A bridge to `handler`. `streamsContent` false (the default) skips
    /// ``AsyncSMTPHandler/content(_:of:)``, which spares a copy of every piece.
    public init(_ handler: any AsyncSMTPHandler, streamsContent: Bool = false) {
        self.handler = handler
        streams = streamsContent
    }

    public var keepsContent: Bool { handler.keepsContent }

    public func connect(from client: SocketAddress, answer: SMTPAnswer) {
        let handler = self.handler
        Task(executorPreference: answer.executor) { answer(await handler.connect(from: client)) }
    }

    public func hello(_ hello: SMTPHello, answer: SMTPAnswer) {
        let handler = self.handler
        Task(executorPreference: answer.executor) { answer(await handler.hello(hello)) }
    }

    public func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer) {
        let handler = self.handler
        Task(executorPreference: answer.executor) { answer(await handler.mailFrom(transaction)) }
    }

    public func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
        let handler = self.handler
        Task(executorPreference: answer.executor) { answer(await handler.recipient(address, options: options, of: transaction)) }
    }

    public func content(_ piece: ArraySlice<UInt8>, of transaction: SMTPTransaction, answer: SMTPAnswer) {
        guard streams else { return answer(.accept) }
        let handler = self.handler
        let copy = Array(piece)
        Task(executorPreference: answer.executor) { answer(await handler.content(copy, of: transaction)) }
    }

    public func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
        let handler = self.handler
        Task(executorPreference: answer.executor) { answer(await handler.endOfData(message)) }
    }

    public func abandon(_ transaction: SMTPTransaction) {
        let handler = self.handler
        Task { await handler.abandon(transaction) }
    }
}
