import Dispatch
import SMTP

// sample: smtp-recipient-policy
final class Policy: SMTPHandler {
    let directory: MailboxDirectory

    init(directory: MailboxDirectory) {
        self.directory = directory
    }

    func recipient(_ address: String, options: [String], of transaction: SMTPTransaction, answer: SMTPAnswer) {
        directory.lookUp(address) { found in          // any thread
            answer(found ? .accept : .reply(SMTPReply(550, "No such user here", enhancedCode: "5.1.1")))
        }
    }
}
// end sample

/// Mailboxes looked up on another thread, as a directory server would answer.
final class MailboxDirectory: Sendable {
    let mailboxes: Set<String>

    init(_ mailboxes: Set<String>) {
        self.mailboxes = mailboxes
    }

    func lookUp(_ address: String, _ reply: @escaping @Sendable (Bool) -> Void) {
        DispatchQueue.global().async { reply(self.mailboxes.contains(address)) }
    }
}
