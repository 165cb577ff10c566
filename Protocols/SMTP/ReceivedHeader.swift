import AsyncCore
import Glibc

/// The `Received:` trace header of RFC 5321 section 4.4, as the server adds
/// it to each message:
///
/// ```
/// Received: from client.example (unknown [192.0.2.1])
/// 	by mx.example.com (SwiftAsyncore) with ESMTP id 5E1F3A000001
/// 	for <bob@example.com>; Mon, 7 Dec 2026 03:00:11 +0000
/// ```
/// `for` names the recipient only when there is one, so a Bcc recipient is
/// never shown to the others. The HELO name is kept to printable characters
/// outside parentheses, and the date is UTC.
enum ReceivedHeader {
    static func text(for transaction: SMTPTransaction, hostname: String, time: Int) -> String {
        var header = "Received: from \(safe(transaction.heloName))"
        switch transaction.client {
        case .ipv4(let host, _): header += " (unknown [\(host)])"
        case .ipv6(let host, _): header += " (unknown [IPv6:\(host)])"
        case .unix: break
        }
        header += "\r\n\tby \(safe(hostname)) (SwiftAsyncore) with \(transaction.protocolName) id \(transaction.queueID)"
        if transaction.recipients.count == 1 { header += "\r\n\tfor <\(transaction.recipients[0])>" }
        header += "; \(date(time))\r\n"
        return header
    }

    /// Text that cannot break the header: control characters, parentheses
    /// and backslashes become `?`.
    private static func safe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar {
            case "(", ")", "\\": return "?"
            default: return scalar.value < 0x20 || scalar.value == 0x7F ? "?" : scalar
            }
        }))
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322's date-time in UTC: `Mon, 7 Dec 2026 03:00:11 +0000`.
    static func date(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let day = days[Int(parts.tm_wday)]
        let month = months[Int(parts.tm_mon)]
        return "\(day), \(parts.tm_mday) \(month) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
