import SMTP

extension SMTPConfiguration {
    /// The configuration of the ported tests: host name `mx.test`.
    static func testing(_ change: (inout SMTPConfiguration) -> Void = { _ in }) -> SMTPConfiguration {
        var configuration = SMTPConfiguration(hostname: "mx.test")
        change(&configuration)
        return configuration
    }
}
