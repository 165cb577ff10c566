import AsyncCore
import Glibc
import TestSupport

/// A server program started on a free port, and the address it announced
/// on its first line of standard output.
///
/// SIGTERM and SIGINT start blocked, as a child of a libdispatch thread
/// (this test runner's, say) inherits them: the program must unblock them.
struct ServerProcess {
    let process: ChildProcess
    let address: SocketAddress

    var port: UInt16 { address.port ?? 0 }

    /// Starts the built product `name` with `--port 0` and `arguments`.
    /// - Throws: ``ServerProcessError`` when the program does not announce
    ///   `listening on HOST:PORT` with a numeric host and a port other than 0.
    init(_ name: String, _ arguments: [String]) throws {
        process = try ChildProcess(product: name, arguments: ["--port", "0"] + arguments, blockedSignals: [SIGTERM, SIGINT])
        let line = try process.readLine()
        guard let line, line.hasPrefix("listening on "), let colon = line.lastIndex(of: ":"),
              let port = UInt16(line[line.index(after: colon)...]), port != 0 else {
            throw ServerProcessError(program: name, firstLine: line, errors: process.errorText)
        }
        var host = line[line.index(line.startIndex, offsetBy: "listening on ".count)..<colon]
        if host.hasPrefix("[") { host = host.dropFirst().dropLast() }
        address = try SocketAddress(ip: String(host), port: port)
    }

    /// Sends `signal` and waits for the exit status.
    func stop(with signal: Int32 = SIGTERM) throws -> TestSupport.ExitStatus {
        process.send(signal: signal)
        return try process.waitForExit()
    }
}

/// A server program that did not start as expected.
struct ServerProcessError: Error, CustomStringConvertible {
    let program: String
    let firstLine: String?
    let errors: String

    var description: String { "\(program) did not announce its port (first line: \(firstLine ?? "none"); standard error: \(errors))" }
}
