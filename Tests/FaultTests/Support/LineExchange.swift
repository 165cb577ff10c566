import Glibc
import TestSupport

/// Sends `sender`'s lines and reads the echo into `checker` at the same
/// time, until `totalLines` have come back or `deadline` passes.
func exchange(_ client: Client, sending sender: inout LineSender, expecting totalLines: Int, into checker: inout NumberedLinesChecker, until deadline: Deadline) throws {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while checker.verifiedLines < totalLines, checker.mismatchAt == nil {
        let sent = try sender.sendSome(through: client)
        var received = 0
        while true {
            guard let count = try buffer.withUnsafeMutableBytes({ try client.receiveAvailable(into: $0) }) else {
                throw FaultError("end of input after \(checker.verifiedLines) of \(totalLines) lines came back")
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { checker.consume(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            received += count
        }
        if sent == 0, received == 0 {
            let events = Int16(POLLIN) | (sender.isDone ? 0 : Int16(POLLOUT))
            if try !deadline.awaitEvents(events, on: client.socket.descriptor) {
                throw FaultError("timed out after \(checker.verifiedLines) of \(totalLines) lines came back")
            }
        }
    }
}

/// Sends `sender`'s lines through `client` without reading anything back,
/// until the probe reports a client held back because its output is full.
/// - Returns: the probe's state at that moment.
func sendUntilHeld(_ client: Client, sending sender: inout LineSender, probe: ProbeProcess, within limit: Duration = .seconds(30)) throws -> ProbeStats {
    let deadline = Deadline(limit)
    while true {
        if try sender.sendSome(through: client) == 0 {
            let stats = try probe.stats()
            if stats.held > 0 { return stats }
            if sender.isDone || deadline.hasPassed { throw FaultError("the server never held the client back: \(stats)") }
        }
    }
}

/// Reads into `checker` until the server closes the connection.
func receiveToEnd(_ client: Client, into checker: inout NumberedLinesChecker, until deadline: Deadline) throws {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while checker.mismatchAt == nil {
        guard let count = try buffer.withUnsafeMutableBytes({ try client.receiveAvailable(into: $0) }) else { return }
        if count > 0 {
            buffer.withUnsafeBytes { checker.consume(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        } else if try !deadline.awaitEvents(Int16(POLLIN), on: client.socket.descriptor) {
            throw FaultError("timed out waiting for end of input after \(checker.receivedBytes) bytes")
        }
    }
}
