/// Checks the credentials of `AUTH` (RFC 4954): plug one into
/// ``SMTPConfiguration/authenticator`` and the server offers `AUTH PLAIN
/// LOGIN` (over TLS only, unless
/// ``SMTPConfiguration/allowsAuthenticationWithoutTLS``).
///
/// ```swift
/// struct Staff: SMTPAuthenticator {
///     func authenticate(_ credentials: SMTPCredentials) -> Bool {
///         credentials.user == "alice" && credentials.password == "wonderland"
///     }
/// }
/// var configuration = SMTPConfiguration(hostname: "mx.test")
/// configuration.authenticator = Staff()
/// ```
/// ``SMTPPasswordTable`` checks a table of users and passwords;
/// ``ClosureAuthenticator`` wraps a closure.
public protocol SMTPAuthenticator: Sendable {
    /// Whether `credentials` may authenticate. Called on the event loop's
    /// thread, so it must answer quickly (from memory, not a network call).
    /// A PLAIN authorization identity other than the user is refused before
    /// this is asked, unless ``acceptsAuthorizationIdentity(_:for:)`` says otherwise.
    func authenticate(_ credentials: SMTPCredentials) -> Bool

    /// Whether `user` may act as `identity` (PLAIN's authorization
    /// identity). Default: never.
    func acceptsAuthorizationIdentity(_ identity: String, for user: String) -> Bool
}

extension SMTPAuthenticator {
    public func acceptsAuthorizationIdentity(_ identity: String, for user: String) -> Bool { false }
}

/// An ``SMTPAuthenticator`` that asks a closure.
///
/// ```swift
/// configuration.authenticator = ClosureAuthenticator { $0.user == "alice" && $0.password == "wonderland" }
/// ```
public struct ClosureAuthenticator: SMTPAuthenticator {
    private let check: @Sendable (SMTPCredentials) -> Bool

    public init(_ check: @escaping @Sendable (SMTPCredentials) -> Bool) {
        self.check = check
    }

    public func authenticate(_ credentials: SMTPCredentials) -> Bool {
        check(credentials)
    }
}
