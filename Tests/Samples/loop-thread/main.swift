import AsyncCore
import SMTP

let smtp = try EventLoopThread { loop in          // the loop and its dispatchers live on this thread
    let server = try SMTPServer(handler: DebugPrintHandler(), loop: loop)
    try server.listen(on: .ipv4("127.0.0.1", port: 0))
    print("listening on \(try server.localAddress)")
}
while let line = readLine() {                     // the main thread goes on with its own work
    print("main thread read: \(line)")
}
smtp.stop()        // returns once the loop's thread has closed everything and ended
