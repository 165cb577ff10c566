import AsyncChat
import AsyncCore

final class Shouter: ChatChannel {
    override func foundTerminator() throws {
        guard let line = takeIncomingText() else {
            push("not UTF-8\r\n")
            return
        }
        if line == "QUIT" {
            push("bye\r\n")
            closeWhenDone()                  // everything pushed before is sent first
        } else {
            push(line.uppercased() + "\r\n")
        }
    }
}
