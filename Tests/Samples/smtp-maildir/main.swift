import AsyncCore
import SMTP

let maildir = CommandLine.arguments.dropFirst().first ?? "/var/mail/sink"
let loop = try EventLoop()
var configuration = SMTPConfiguration(hostname: "mx.example.com")
configuration.enableSMTPUTF8 = true
let server = try SMTPServer(
    configuration: configuration,
    handler: try MaildirHandler(directory: maildir),
    loop: loop)
try server.listen(on: .ipv4("127.0.0.1", port: 0))
print("listening on \(try server.localAddress)")
try loop.run()
