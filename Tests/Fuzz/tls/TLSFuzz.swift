import AsyncChat
import AsyncCore
import AsyncTLS
import Glibc

/// Fuzzes the TLS record path: a client and a server channel on one loop,
/// the bytes between them relayed in pieces the input chooses (so every
/// record, the handshake's too, arrives split anywhere, or many at once),
/// and maybe one byte of the client's stream flipped. Every line must
/// arrive intact and in order, or the connection must fail with a typed
/// error; never other bytes, never a crash, never more held than the bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func tlsFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzBytes(data, count: size)
    let tlsCase = TLSCase(decoding: &input)
    do {
        try TLSRun(tlsCase).check()
    } catch {
        fatalError("the harness failed: \(error)\ncase: \(tlsCase)")
    }
    return 0
}

/// What one input asks for: the lines, how the relay cuts each direction,
/// and the byte to flip.
struct TLSCase: CustomStringConvertible {
    var lines: [[UInt8]]
    var clientPieces: [Int]
    var serverPieces: [Int]
    /// The offset in the client's stream of a byte to flip, if any.
    var flip: Int?

    init(decoding input: inout FuzzBytes) {
        let lineCount = 1 + Int(input.byte() % 4)
        lines = (0..<lineCount).map { index in
            // Up to 40 KiB, so that lines span several records.
            let length = Int(input.byte()) * (input.byte() % 4 == 0 ? 160 : 1)
            return (0..<length).map { UInt8(97 + ($0 + index) % 26) }
        }
        clientPieces = (0..<8).map { _ in 1 + Int(input.byte()) * (1 + Int(input.byte() % 16)) }
        serverPieces = (0..<8).map { _ in 1 + Int(input.byte()) * (1 + Int(input.byte() % 16)) }
        let flipAt = Int(input.byte()) << 8 | Int(input.byte())
        flip = input.byte() % 4 == 0 ? flipAt : nil
    }

    var description: String {
        "lines \(lines.map(\.count)), client pieces \(clientPieces), server pieces \(serverPieces), flip \(flip.map(String.init) ?? "none")"
    }
}

private enum Contexts {
    static let folder: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        return parts.joined(separator: "/") + "/TestSupport/Certificates"
    }()
    static let server: TLSContext = {
        do {
            return try TLSContext(certificateChainFile: folder + "/server.pem", privateKeyFile: folder + "/server.key")
        } catch {
            fatalError("no server context: \(error)")
        }
    }()
    static let client: TLSContext = {
        do {
            return try TLSContext(trust: .certificates(file: folder + "/ca.pem"))
        } catch {
            fatalError("no client context: \(error)")
        }
    }()
}

/// A line channel that records lines and errors; the server echoes.
private final class FuzzLineChannel: ChatChannel {
    var lines: [[UInt8]] = []
    var errors: [any Error] = []
    var echoes = false

    override func foundTerminator() throws {
        let line = takeIncomingData()
        lines.append(line)
        if echoes {
            push(line)
            push([13, 10])
        }
    }

    override func handleError(_ error: any Error) {
        errors.append(error)
        reportClose()
    }
}

private struct TLSRun {
    let tlsCase: TLSCase
    let loop: EventLoop

    init(_ tlsCase: TLSCase) throws {
        self.tlsCase = tlsCase
        loop = try EventLoop()
        loop.logger = { _ in }
    }

    func check() throws {
        defer { loop.closeAll() }
        let (serverSocket, serverRelay) = try Socket.pair()
        let (clientSocket, clientRelay) = try Socket.pair()
        defer { serverRelay.close(); clientRelay.close() }
        let server = try FuzzLineChannel(socket: serverSocket, loop: loop)
        server.echoes = true
        let serverLayer = try TLSLayer(socket: serverSocket, context: Contexts.server)
        try server.upgrade(to: serverLayer)
        let client = try FuzzLineChannel(socket: clientSocket, loop: loop)
        let clientLayer = try TLSLayer(socket: clientSocket, context: Contexts.client, serverName: "localhost")
        try client.upgrade(to: clientLayer)
        for line in tlsCase.lines { client.push(line + [13, 10]) }

        var relayed = 0
        var flipped = false
        var passes = 0
        var quiet = 0
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { scratch.deallocate() }
        while client.lines.count < tlsCase.lines.count, quiet < 64, passes < 20_000 {
            passes += 1
            try loop.runPass(timeout: .zero)
            var moved = false
            // Client to server, flipping the chosen byte on the way.
            let up = tlsCase.clientPieces[passes % tlsCase.clientPieces.count]
            if let count = try clientRelay.receive(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<min(up, scratch.count)])), count > 0 {
                if let flip = tlsCase.flip, !flipped, flip >= relayed, flip < relayed + count {
                    scratch[flip - relayed] ^= 0x20
                    flipped = true
                }
                relayed += count
                try sendAll(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), to: serverRelay)
                moved = true
            }
            let down = tlsCase.serverPieces[passes % tlsCase.serverPieces.count]
            if let count = try serverRelay.receive(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<min(down, scratch.count)])), count > 0 {
                try sendAll(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), to: clientRelay)
                moved = true
            }
            quiet = moved ? 0 : quiet + 1
            if !server.isOpen || !client.isOpen { break }
        }
        // What arrived is a prefix of what was sent, byte for byte.
        guard server.lines.count <= tlsCase.lines.count, server.lines == Array(tlsCase.lines.prefix(server.lines.count)) else {
            fatalError("the server read other lines than were sent\ncase: \(tlsCase)")
        }
        guard client.lines == Array(tlsCase.lines.prefix(client.lines.count)) else {
            fatalError("the client read another echo than was sent\ncase: \(tlsCase)")
        }
        let failed = !server.errors.isEmpty || !client.errors.isEmpty
        for error in server.errors + client.errors where !(error is TLSError) && !(error is TransportError) {
            fatalError("an untyped failure: \(error)\ncase: \(tlsCase)")
        }
        if !flipped, passes < 20_000, client.lines.count < tlsCase.lines.count {
            fatalError("the lines did not all come back, with nothing flipped (failed: \(failed))\ncase: \(tlsCase)")
        }
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer, to socket: Socket) throws {
        var offset = 0
        while offset < bytes.count {
            guard let sent = try socket.send(UnsafeRawBufferPointer(rebasing: bytes[offset...])) else {
                try loop.runPass(timeout: .milliseconds(1))
                continue
            }
            offset += sent
        }
    }
}
