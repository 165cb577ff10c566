import AsyncChat
import AsyncCore

/// Connects to a news server, reads its greeting, lists its groups, and quits.
final class NewsgroupLister: ChatChannel {
    private(set) var groups: [String] = []
    private var listing = false

    override func foundTerminator() throws {
        let reply = takeIncomingText() ?? ""
        if !listing {                            // "200 news.example.com ready": one line
            listing = true
            terminator = "\r\n.\r\n"             // LIST's answer ends with a line of one dot
            push("LIST\r\n")
        } else {                                 // "215 list follows\r\ncomp.lang.swift 10 1 y\r\n..."
            groups = reply.split(separator: "\r\n").dropFirst().map { String($0.prefix { $0 != " " }) }
            terminator = .crlf
            push("QUIT\r\n")
            closeWhenDone()
        }
    }
}
