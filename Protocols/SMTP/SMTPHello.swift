import AsyncCore

/// A client's HELO, EHLO or LHLO, as the ``SMTPHandler/hello(_:answer:)``
/// hook sees it, with the reply the server would send.
///
/// A handler may change the extensions an EHLO reply offers by answering
/// with a reply of its own; the session then honours only what that reply
/// names:
/// ```swift
/// func hello(_ hello: SMTPHello, answer: SMTPAnswer) {
///     let lines = hello.reply.lines.filter { $0 != "CHUNKING" && $0 != "BINARYMIME" }
///     answer(.reply(SMTPReply(code: 250, lines: lines)))
/// }
/// ```
public struct SMTPHello: Sendable {
    /// The command: `HELO`, `EHLO` or `LHLO`.
    public var verb: String
    /// The name the client gave.
    public var name: String
    /// The client's address.
    public var client: SocketAddress
    /// What the server answers by default: for EHLO and LHLO, its host name
    /// and then one extension a line (`SIZE 33554432`, `PIPELINING`, ...).
    public var reply: SMTPReply
}
