/// A handler's answer at one stage of a session: go on with the server's
/// own reply, or send a reply of the handler's choosing.
///
/// ```swift
/// answer(.accept)                                             // 250 OK
/// answer(.reply(SMTPReply(251, "User not local; will forward")))  // accepted, with this text
/// answer(.reply(SMTPReply(550, "No such user here")))         // refused
/// ```
/// A positive reply (2xx, 3xx) accepts what was asked; a 4xx or 5xx reply
/// refuses it; a `421` reply also ends the session once it is sent.
public enum SMTPDecision: Sendable, Hashable {
    /// Go on, with the reply the server sends by default.
    case accept
    /// Send this reply: positive accepts, negative refuses.
    case reply(SMTPReply)
    /// At the end of data only: one reply per accepted recipient, in RCPT
    /// order. LMTP sends them all; SMTP, which has one reply per message,
    /// sends the first refusal, or the first reply when none refuses.
    /// Missing replies count as the last one given (`451` when none is).
    case replies([SMTPReply])
}
