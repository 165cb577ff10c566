// STARTTLS (RFC 3207) and AUTH PLAIN and LOGIN (RFC 4954).
extension SMTPSession {
    /// Answers 220 and forgets everything the client said: after the
    /// handshake it must greet again (RFC 3207 section 4.2).
    mutating func startTLS(_ argument: Substring?) -> SMTPSessionOutput {
        guard argument?.isEmpty != false else { return .reply(.startTLSSyntax) }
        guard !isSecure else { return .reply(.tlsAlreadyActive) }
        if isExtended, !offered.contains(.startTLS) { return .reply(.unknownCommand("STARTTLS")) }
        resetTransaction()
        heloName = nil
        isExtended = false
        offered = SMTPExtensions()
        authenticatedUser = nil
        lastSender = nil
        lastRecipient = nil
        isSecure = true
        return .replyAndStartTLS(.readyToStartTLS)
    }

    /// `AUTH mechanism [initial-response]`.
    mutating func authenticate(_ argument: Substring?) -> SMTPSessionOutput {
        guard isSecure || configuration.allowsAuthenticationWithoutTLS else { return .reply(.encryptionRequired) }
        guard isExtended else { return .reply(.authNeedsEHLO) }
        guard offered.contains(.auth) else { return .reply(.unknownCommand("AUTH")) }
        guard authenticatedUser == nil else { return .reply(.alreadyAuthenticated) }
        guard transaction == nil else { return .reply(.authInTransaction) }
        let words = (argument ?? "").split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(words.count) else { return .reply(.authSyntax) }
        let initial = words.count == 2 ? Array(words[1].utf8) : nil
        switch words[0].uppercased() {
        case "PLAIN":
            guard let initial else {
                authExchange = .plain
                return .reply(.authChallenge(""))
            }
            return checkPlain(initial)
        case "LOGIN":
            guard let initial else {
                authExchange = .loginUser
                return .reply(.authChallenge(SMTPAuthExchange.usernameChallenge))
            }
            return loginUser(initial)
        default:
            return .reply(.unknownMechanism)
        }
    }

    /// The client's line in an AUTH exchange: `*` cancels it.
    mutating func authResponse() -> SMTPSessionOutput {
        guard let exchange = authExchange else { return .none }
        authExchange = nil
        verb = "AUTH"
        if lineLength > configuration.authLineLength { return .reply(.lineTooLong) }
        if line == [42] { return .reply(.authCancelled) }
        switch exchange {
        case .plain: return checkPlain(line)
        case .loginUser: return loginUser(line)
        case .loginPassword(let user):
            guard let password = Self.decodedText(line) else { return .reply(.undecodableResponse) }
            return check(SMTPCredentials(mechanism: "LOGIN", user: user, password: password))
        }
    }

    private mutating func loginUser(_ response: [UInt8]) -> SMTPSessionOutput {
        guard let user = Self.decodedText(response) else { return .reply(.undecodableResponse) }
        authExchange = .loginPassword(user: user)
        return .reply(.authChallenge(SMTPAuthExchange.passwordChallenge))
    }

    /// PLAIN's response: `authorization-identity NUL user NUL password`,
    /// in base64; `=` stands for an empty response.
    private mutating func checkPlain(_ response: [UInt8]) -> SMTPSessionOutput {
        guard let decoded = response == [61] ? [] : Base64.decode(response) else { return .reply(.undecodableResponse) }
        let parts = decoded.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3,
              let identity = String(validating: parts[0], as: UTF8.self),
              let user = String(validating: parts[1], as: UTF8.self),
              let password = String(validating: parts[2], as: UTF8.self) else { return .reply(.undecodableResponse) }
        let credentials = SMTPCredentials(
            mechanism: "PLAIN", user: user, password: password, authorizationIdentity: identity.isEmpty || identity == user ? nil : identity)
        return check(credentials)
    }

    /// 235 for credentials the authenticator accepts, 535 (counted as an
    /// error) for any others.
    private mutating func check(_ credentials: SMTPCredentials) -> SMTPSessionOutput {
        guard let authenticator = configuration.authenticator, !credentials.user.isEmpty else {
            lastAuthentication = (credentials.mechanism, nil)
            return .reply(.badCredentials)
        }
        if let identity = credentials.authorizationIdentity,
           !authenticator.acceptsAuthorizationIdentity(identity, for: credentials.user) {
            lastAuthentication = (credentials.mechanism, nil)
            return .reply(.badCredentials)
        }
        guard authenticator.authenticate(credentials) else {
            lastAuthentication = (credentials.mechanism, nil)
            return .reply(.badCredentials)
        }
        authenticatedUser = credentials.authorizationIdentity ?? credentials.user
        lastAuthentication = (credentials.mechanism, authenticatedUser)
        return .reply(.authenticated)
    }

    private static func decodedText(_ response: [UInt8]) -> String? {
        guard let decoded = Base64.decode(response) else { return nil }
        return String(validating: decoded, as: UTF8.self)
    }
}
