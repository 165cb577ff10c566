import AsyncTLS

/// A server's `--tls-cert FILE` and `--tls-key FILE`: given together, the
/// server speaks TLS with that certificate and key.
///
/// ```swift
/// var certificate = CertificateFlags()
/// while let argument = scanner.next() {
///     if try certificate.take(argument, from: &scanner) { continue }
///     // ... the program's other flags
/// }
/// let tls = try certificate.context()      // nil when neither flag was given
/// ```
public struct CertificateFlags {
    /// The lines `--help` shows for the two flags.
    public static let usage = """
          --tls-cert FILE      serve TLS with this certificate chain (PEM: the
                               certificate, then its intermediates); needs --tls-key
          --tls-key FILE       the certificate's private key (PEM)
        """

    public private(set) var certificateChainFile: String?
    public private(set) var privateKeyFile: String?

    public init() {}

    /// Takes `argument` if it is one of the two flags, with its value.
    /// - Returns: whether it was.
    public mutating func take(_ argument: ArgumentScanner.Argument, from scanner: inout ArgumentScanner) throws(UsageError) -> Bool {
        switch argument {
        case .flag("--tls-cert"):
            certificateChainFile = try scanner.value(for: "--tls-cert")
        case .flag("--tls-key"):
            privateKeyFile = try scanner.value(for: "--tls-key")
        default:
            return false
        }
        return true
    }

    /// True when both flags were given.
    public var isSet: Bool { certificateChainFile != nil && privateKeyFile != nil }

    /// Checks that the flags come as a pair.
    /// - Throws: ``UsageError`` when only one was given.
    public func validate() throws(UsageError) {
        switch (certificateChainFile, privateKeyFile) {
        case (nil, nil), (.some, .some): return
        case (.some, nil): throw UsageError("--tls-cert needs --tls-key")
        case (nil, .some): throw UsageError("--tls-key needs --tls-cert")
        }
    }

    /// The server context for the two files; nil when neither was given.
    /// - Throws: ``UsageError`` when only one was given; `TLSError` when a
    ///   file cannot be used, or this build has no TLS (it says how to get it).
    public func context(handshakeTimeout: Duration = .seconds(10)) throws -> TLSContext? {
        try validate()
        guard let certificateChainFile, let privateKeyFile else { return nil }
        return try TLSContext(
            certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile, handshakeTimeout: handshakeTimeout)
    }
}
