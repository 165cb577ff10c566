import SMTP

/// Messages a handler received, for a test on the same thread to read.
final class MessageBox {
    var items: [SMTPMessage] = []
}
