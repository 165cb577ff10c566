import AsyncChat
import AsyncCore
import ProtocolTesting

/// The line echo the kit's own tests talk to: `hello` comes back as
/// `echo: hello`, `QUIT` gets `bye` and a close, and `idle` timeouts end
/// the connection with `timeout`.
final class LineEcho: ChatChannel {
    override func foundTerminator() throws {
        let line = takeIncomingData()
        if line == Array("QUIT".utf8) {
            push("bye\r\n")
            closeWhenDone()
        } else {
            push("echo: ")
            push(line)
            push("\r\n")
        }
    }

    override func handleIdleTimeout() throws {
        push("timeout\r\n")
        closeWhenDone()
    }

    static func server(idleTimeout: Duration? = nil) -> ServerUnderTest {
        .inProcess { socket, loop in
            let channel = try LineEcho(socket: socket, loop: loop)
            channel.idleTimeout = idleTimeout
            return channel
        }
    }
}
