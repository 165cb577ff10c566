import SMTP

extension SMTPSession {
    /// `output` with every question but the end of data answered `.accept`,
    /// as the default handler answers: for driving a bare session in tests.
    static func acceptingStages(_ output: SMTPSessionOutput, of session: inout SMTPSession) -> SMTPSessionOutput {
        var output = output
        while case .ask(let question) = output {
            if case .endOfData = question { return output }
            output = session.answer(.accept)
        }
        return output
    }
}
