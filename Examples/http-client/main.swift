import AsyncCore
import AsyncTLS
import ExampleSupport

CommandLineProgram.run(name: "http-client", usage: HTTPClientSettings.usage) { arguments in
    let settings = try HTTPClientSettings(arguments)
    let url = settings.url
    let log = Log(program: "http-client", quiet: settings.quiet)
    let hookLog: ((String) -> Void)? = settings.verbose ? { log("\(url): \($0)") } : nil
    let rootLog = { (line: String) in if settings.verbose { log("root: \(line)") } }

    let tls = url.isSecure ? try TLSContext(trust: settings.trust) : nil
    let addresses = try SocketAddress.resolve(host: url.host, port: url.port)
    let loop = try EventLoop()
    loop.logger = log.write
    // Try each address the name resolved to, as long as the connection itself fails.
    for (index, address) in addresses.enumerated() {
        let client = try HTTPClient(url: url, address: address, tls: tls, timeout: settings.timeout, loop: loop, hookLog: hookLog)
        rootLog("LOOP STARTING")
        try loop.run()
        rootLog("LOOP DONE")
        guard let failure = client.failure else {
            guard let code = client.status.code else {
                throw FetchError(url: url, address: address, reason: ResponseError.noStatusLine)
            }
            guard code < 400 else {
                throw FetchError(url: url, address: address, reason: ResponseError.status(client.status))
            }
            log("\(url): \(client.status.summary), \(client.receivedCount) bytes from \(address)")
            return
        }
        let connectFailed = (failure as? SystemError)?.call == .connect
        if !connectFailed || index == addresses.count - 1 {
            throw FetchError(url: url, address: address, reason: failure)
        }
    }
}
