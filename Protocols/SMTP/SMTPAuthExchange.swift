/// An AUTH exchange waiting for the client's next line (RFC 4954): the
/// server sent a 334 challenge, and that line is a response, not a command.
enum SMTPAuthExchange: Sendable {
    /// `334 ` sent after `AUTH PLAIN`: the response holds all three parts.
    case plain
    /// `334 VXNlcm5hbWU6` ("Username:") sent after `AUTH LOGIN`.
    case loginUser
    /// `334 UGFzc3dvcmQ6` ("Password:") sent for `user`.
    case loginPassword(user: String)

    static let usernameChallenge = Base64.encode(Array("Username:".utf8))
    static let passwordChallenge = Base64.encode(Array("Password:".utf8))
}
