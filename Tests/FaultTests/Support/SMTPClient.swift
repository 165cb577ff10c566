import Glibc
import TestSupport

/// A lock-step SMTP client over a ``Client``: sends a command, reads the
/// complete reply (every line of a multi-line one), with deadlines.
final class SMTPClient {
    let client: Client
    private var buffered: [UInt8] = []

    init(_ client: Client) {
        self.client = client
    }

    /// Connects and reads the greeting; returns its code.
    static func connected(to port: UInt16) throws -> (SMTPClient, Int) {
        let smtp = SMTPClient(try Client.connected(to: port))
        return (smtp, try smtp.readReply())
    }

    /// The code of the next complete reply.
    func readReply(within limit: Duration = .seconds(20)) throws -> Int {
        let deadline = Deadline(limit)
        while true {
            while let newline = buffered.firstIndex(of: 10) {
                let line = buffered[..<newline]
                buffered.removeSubrange(...newline)
                guard line.count >= 4, let code = Int(String(decoding: line.prefix(3), as: UTF8.self)) else {
                    throw FaultError("not an SMTP reply: \(String(decoding: line, as: UTF8.self))")
                }
                if line[line.startIndex + 3] == UInt8(ascii: " ") { return code }
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            guard let count = try chunk.withUnsafeMutableBytes({ try client.receiveAvailable(into: $0) }) else {
                throw FaultError("the server closed the connection before replying")
            }
            if count > 0 {
                buffered += chunk[0..<count]
            } else if try !deadline.awaitEvents(Int16(POLLIN), on: client.socket.descriptor) {
                throw FaultError("timed out waiting for a reply")
            }
        }
    }

    /// Sends `line` and its CRLF; returns the reply's code.
    func command(_ line: String, within limit: Duration = .seconds(20)) throws -> Int {
        try client.send(Array((line + "\r\n").utf8), within: limit)
        return try readReply(within: limit)
    }

    /// Sends one message in a complete transaction; returns the codes of
    /// MAIL, RCPT, DATA and the end of data.
    func sendMessage(id: String, body: String = "hello\r\n", within limit: Duration = .seconds(20)) throws -> [Int] {
        var codes = [try command("MAIL FROM:<sender@probe.test>", within: limit)]
        codes.append(try command("RCPT TO:<rcpt@probe.test>", within: limit))
        codes.append(try command("DATA", within: limit))
        codes.append(try command("Message-ID: <\(id)>\r\n\r\n\(body).", within: limit))
        return codes
    }
}
