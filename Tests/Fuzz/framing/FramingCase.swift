import AsyncChat

/// One framing experiment decoded from a fuzz input: how the channel is set
/// up, the terminator program its handler follows, and the stream cut into
/// reads, with terminator switches made from outside the handler between reads.
///
/// Input layout (every byte optional; missing bytes read as 0):
/// ```
/// flags          bits 0-1 alphabet, 2 streaming collector, 3 pause after
///                each frame, 4 echo frames, 5 close on overflow, 6 small limit
/// limit          maxFrameLength = 1 + limit % 48 (with flag bit 6)
/// terminator     the initial one (see `decodeTerminator`)
/// count          program length, count % 6; then per entry a selector
///                byte: bit 7 set keeps the terminator, else a terminator
/// records...     < 0xF0 a stream byte (mapped through the alphabet),
///                0xF0-0xF7 a cut, 0xF8-0xFE a cut and a switch to the
///                terminator that follows, 0xFF a literal next byte
/// ```
/// The small alphabets make terminators, their prefixes and self-overlaps
/// ("abab", "aaa") frequent; the raw one covers every byte value.
struct FramingCase: CustomStringConvertible {
    /// The bytes of one read, and the terminator set from outside after it.
    struct Read {
        var bytes: [UInt8] = []
        var switchTo: Terminator?
    }

    static let alphabets: [[UInt8]?] = [
        Array("ab".utf8),
        Array("\r\n.a".utf8),
        Array("abc\r\n.".utf8) + [0, 0xFF],
        nil,
    ]

    var initial: Terminator = .crlf
    var program: [Terminator?] = []
    var maxFrameLength = 65536
    var streaming = false
    var pausesAfterEachFrame = false
    var echoes = false
    var closesOnOverflow = false
    var reads: [Read] = []

    init(decoding input: inout FuzzBytes) {
        let flags = input.byte()
        let limit = input.byte()
        let alphabet = FramingCase.alphabets[Int(flags & 3)]
        streaming = flags & 4 != 0
        pausesAfterEachFrame = flags & 8 != 0
        echoes = flags & 16 != 0
        closesOnOverflow = flags & 32 != 0
        if flags & 64 != 0 { maxFrameLength = 1 + Int(limit % 48) }
        initial = FramingCase.decodeTerminator(input.byte(), from: &input, alphabet: alphabet)
        for _ in 0..<(input.byte() % 6) {
            let selector = input.byte()
            program.append(selector & 0x80 != 0 ? nil : FramingCase.decodeTerminator(selector, from: &input, alphabet: alphabet))
        }
        var read = Read()
        while !input.isAtEnd {
            let record = input.byte()
            switch record {
            case 0..<0xF0:
                read.bytes.append(alphabet.map { $0[Int(record) % $0.count] } ?? record)
            case 0xF0...0xF7:
                reads.append(read)
                read = Read()
            case 0xF8...0xFE:
                read.switchTo = FramingCase.decodeTerminator(input.byte(), from: &input, alphabet: alphabet)
                reads.append(read)
                read = Read()
            default:
                read.bytes.append(input.byte())
            }
        }
        reads.append(read)
    }

    /// A terminator chosen by `selector`, its bytes (or count) read next.
    static func decodeTerminator(_ selector: UInt8, from input: inout FuzzBytes, alphabet: [UInt8]?) -> Terminator {
        func sequence(_ length: Int) -> Terminator {
            .bytes((0..<length).map { _ in
                let byte = input.byte()
                return alphabet.map { $0[Int(byte) % $0.count] } ?? byte
            })
        }
        switch selector % 16 {
        case 0: return .none
        case 1: return .count(Int(input.byte() % 10))
        case 2: return .count(10 + Int(input.byte()))
        case 3: return .crlfOrLF
        case 4: return .bytes([])
        case 5...9: return sequence(Int(selector % 16) - 4)
        case 10: return .crlf
        case 11: return .lf
        case 12: return "\r\n.\r\n"
        default: return sequence(Int(selector % 16) - 12)
        }
    }

    var description: String {
        let program = self.program.map { $0.map(\.description) ?? "keep" }
        var text = "start \(initial), after each frame \(program), max \(maxFrameLength)"
        if streaming { text += ", streaming collector" }
        if pausesAfterEachFrame { text += ", pausing" }
        if echoes { text += ", echoing" }
        if closesOnOverflow { text += ", closing on overflow" }
        text += "\nreads:"
        for read in reads {
            text += " " + escaped(read.bytes)
            if let next = read.switchTo { text += " then \(next);" }
        }
        return text
    }
}
