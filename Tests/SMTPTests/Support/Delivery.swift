import AsyncCore
import SMTP

/// A delivered message as the tests compare it: every field of
/// `SMTPMessage`, with the content shown as text in failure reports.
struct Delivery: Equatable, Sendable, CustomStringConvertible {
    var peer: SocketAddress
    var heloName: String
    var mailFrom: String
    var recipients: [String]
    var mailOptions: [String]
    var rcptOptions: [String]
    var data: [UInt8]
    var text: String?
    var requiresSMTPUTF8: Bool

    init(_ message: SMTPMessage) {
        peer = message.peer
        heloName = message.heloName
        mailFrom = message.mailFrom
        recipients = message.recipients
        mailOptions = message.mailOptions
        rcptOptions = message.rcptOptions
        data = message.data
        text = message.text
        requiresSMTPUTF8 = message.requiresSMTPUTF8
    }

    /// A message as a test expects it. `decoded`: the server decodes data,
    /// so the message's text is its content.
    init(
        helo: String, from: String, to recipients: [String], mailOptions: [String] = [], rcptOptions: [String] = [],
        data: some Sequence<UInt8>, decoded: Bool = false, smtputf8: Bool = false, peer: SocketAddress = .testPeer
    ) {
        self.peer = peer
        heloName = helo
        mailFrom = from
        self.recipients = recipients
        self.mailOptions = mailOptions
        self.rcptOptions = rcptOptions
        self.data = Array(data)
        text = decoded ? String(decoding: self.data, as: UTF8.self) : nil
        requiresSMTPUTF8 = smtputf8
    }

    var description: String {
        let content = String(decoding: data.prefix(200), as: UTF8.self).debugDescription
        return "(from \(peer) helo \(heloName): \(mailFrom.debugDescription) \(mailOptions) -> \(recipients) \(rcptOptions), "
            + "\(data.count) bytes \(content)\(data.count > 200 ? "..." : "")"
            + "\(text.map { $0 == String(decoding: data, as: UTF8.self) ? ", decoded" : ", text \($0.debugDescription)" } ?? "")"
            + "\(requiresSMTPUTF8 ? ", SMTPUTF8" : ""))"
    }
}

extension Delivery {
    /// The same message from `peer`: for comparing deliveries over TCP,
    /// whose client ports are not known in advance.
    func from(_ peer: SocketAddress) -> Delivery {
        var copy = self
        copy.peer = peer
        return copy
    }
}
