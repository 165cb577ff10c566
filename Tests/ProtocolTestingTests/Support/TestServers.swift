import AsyncChat
import AsyncCore
import ProtocolTesting

/// Replies `read N` for every read of N bytes: lets a dialogue see exactly
/// how the kit cut the client's bytes into writes.
final class ReadReporter: DispatcherWithSend {
    override func handleRead() throws {
        let bytes = try recv(65536)
        if !bytes.isEmpty { try send(Array("read \(bytes.count)\r\n".utf8)) }
    }

    override func handleClose() { close() }

    static let server = ServerUnderTest.inProcess { socket, loop in try ReadReporter(socket: socket, loop: loop) }
}

/// Sends fixed bytes as soon as a client connects, then optionally closes;
/// reads and ignores everything.
final class Announcer: ChatChannel {
    static func server(_ bytes: [UInt8], thenClose: Bool = false) -> ServerUnderTest {
        .inProcess { socket, loop in
            let channel = try Announcer(socket: socket, loop: loop)
            channel.terminator = .none
            channel.push(bytes)
            if thenClose { channel.closeWhenDone() }
            return channel
        }
    }

    static func server(_ text: String, thenClose: Bool = false) -> ServerUnderTest {
        server(Array(text.utf8), thenClose: thenClose)
    }

    override func collectIncomingData(_ data: ArraySlice<UInt8>) {}
}

/// Accepts connections and then does nothing at all: it neither reads nor writes.
final class Unresponsive: Dispatcher {
    override func readable() -> Bool { false }
    override func writable() -> Bool { false }

    static func server(socketBufferSize: Int? = nil) -> ServerUnderTest {
        .inProcess(socketBufferSize: socketBufferSize) { socket, loop in try Unresponsive(socket: socket, loop: loop) }
    }
}

/// A broken line server that takes each read for one whole line, the bug
/// chunking permutations exist to catch.
final class ReadPerLine: DispatcherWithSend {
    override func handleRead() throws {
        var bytes = try recv(65536)
        guard !bytes.isEmpty else { return }
        if bytes.suffix(2) == [13, 10] { bytes.removeLast(2) }
        try send(Array("got: ".utf8) + bytes + [13, 10])
    }

    override func handleClose() { close() }

    static let server = ServerUnderTest.inProcess { socket, loop in try ReadPerLine(socket: socket, loop: loop) }
}

/// A line server whose handler throws on `boom`, so the loop logs the error.
final class Exploder: ChatChannel {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    override func foundTerminator() throws {
        if takeIncomingData() == Array("boom".utf8) { throw Boom() }
        push("ok\r\n")
    }

    static let server = ServerUnderTest.inProcess { socket, loop in try Exploder(socket: socket, loop: loop) }
}
