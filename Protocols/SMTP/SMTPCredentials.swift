/// What a client offered with `AUTH`, for an ``SMTPAuthenticator`` to check.
///
/// Its description, debug description and mirror name the user and the
/// mechanism, never the password, so it may go to a log (`dump` too):
/// ```swift
/// print(credentials)   // "alice (PLAIN)"
/// ```
public struct SMTPCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The SASL mechanism: `PLAIN` or `LOGIN`.
    public let mechanism: String
    /// The user the client authenticates as (PLAIN's authentication identity).
    public let user: String
    /// The password.
    public let password: String
    /// PLAIN's authorization identity: the user the client wants to act as,
    /// when it names one other than `user`; nil otherwise.
    public let authorizationIdentity: String?

    public init(mechanism: String, user: String, password: String, authorizationIdentity: String? = nil) {
        self.mechanism = mechanism
        self.user = user
        self.password = password
        self.authorizationIdentity = authorizationIdentity
    }

    public var description: String { "\(user) (\(mechanism))" }

    public var debugDescription: String { "SMTPCredentials(\(description))" }

    public var customMirror: Mirror {
        Mirror(self, children: ["mechanism": mechanism, "user": user, "authorizationIdentity": authorizationIdentity as Any])
    }
}
