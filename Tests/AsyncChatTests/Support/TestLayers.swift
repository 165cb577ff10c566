import AsyncCore

/// A transport layer that XORs every byte with a key both ways: a stand-in
/// for encryption, so a test can tell bytes that went through the layer from
/// bytes that did not.
final class XorLayer: TransportLayer {
    static let key: UInt8 = 0x5A

    static func scramble(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 ^ key }
    }

    override func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        guard let count = try socket.receive(into: buffer) else { return nil }
        for index in 0..<count { buffer[index] ^= XorLayer.key }
        return count
    }

    override func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        let scrambled = XorLayer.scramble(Array(bytes))
        let sent = scrambled.withUnsafeBytes { raw in Result { () throws(SystemError) in try socket.send(raw) } }
        return try sent.get()
    }
}

/// A layer that reads everything the socket has into a buffer of its own
/// and hands it out a few bytes at a time, as TLS holds decrypted records:
/// the socket says nothing more about that input.
final class TrickleLayer: TransportLayer {
    private var held: [UInt8] = []
    let piece: Int

    init(socket: Socket, piece: Int) {
        self.piece = piece
        super.init(socket: socket)
    }

    override func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        var endOfInput = false
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try socket.receive(into: raw) } }
            guard let received = try count.get() else { break }
            if received == 0 {
                endOfInput = true
                break
            }
            held += chunk[0..<received]
        }
        if held.isEmpty { return endOfInput ? 0 : nil }
        let count = min(piece, buffer.count, held.count)
        for index in 0..<count { buffer[index] = held[index] }
        held.removeFirst(count)
        return count
    }

    override var hasBufferedInput: Bool { !held.isEmpty }
}

/// A layer that takes every write into a buffer of its own and puts it on
/// the socket only when the loop says the socket is writable, as TLS holds
/// records the socket did not take.
final class HoldingLayer: TransportLayer {
    private var held: [UInt8] = []
    private(set) var flushes = 0

    override func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        held += bytes
        return bytes.count
    }

    override var neededInterest: TransportInterest { held.isEmpty ? [] : .write }

    override func handleReadiness(_ ready: TransportInterest) throws(SystemError) {
        guard ready.contains(.write), !held.isEmpty else { return }
        flushes += 1
        let sent = held.withUnsafeBytes { raw in Result { () throws(SystemError) in try socket.send(raw) } }
        if let count = try sent.get() { held.removeFirst(count) }
    }
}
