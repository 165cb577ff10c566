/// The header a proxy (HAProxy, nginx, a cloud load balancer) sends before
/// the client's first byte: who the client is, as the proxy saw it. Both
/// versions of the PROXY protocol: the text line of version 1 and the binary
/// header of version 2.
///
/// ```swift
/// let line = Array("PROXY TCP4 203.0.113.7 192.0.2.1 51000 25\r\nEHLO x\r\n".utf8)
/// if case .complete(let header) = line.withUnsafeBytes({ ProxyHeader.parse($0, maxLength: 4096) }) {
///     print(header.source!, header.length)   // 203.0.113.7:51000 43
/// }
/// ```
/// Parsing is strict: single spaces, numeric addresses of the announced
/// family, ports without leading zeros, version 2's signature, version and
/// lengths; anything else is ``ProxyHeaderError``.
public struct ProxyHeader: Sendable, Hashable {
    /// The client as the proxy saw it; nil when the proxy does not say
    /// (version 1 `UNKNOWN`, a version 2 `LOCAL` health check, an
    /// unspecified family): then the connection's own peer is the client.
    public let source: SocketAddress?
    /// The address the client connected to at the proxy, when given.
    public let destination: SocketAddress?
    /// The protocol version: 1 or 2.
    public let version: Int
    /// The header's length in bytes: where the client's own bytes begin.
    public let length: Int

    public init(source: SocketAddress?, destination: SocketAddress?, version: Int, length: Int) {
        self.source = source
        self.destination = destination
        self.version = version
        self.length = length
    }

    /// What the bytes received so far make of a header.
    public enum Parse: Sendable, Hashable {
        /// It may be a header, but more bytes are needed.
        case needMore
        case invalid(ProxyHeaderError)
        case complete(ProxyHeader)
    }

    /// The most a version 1 line may take, its CRLF included.
    public static let versionOneLimit = 107
    static let versionOneSignature = Array("PROXY ".utf8)
    static let versionTwoSignature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// Parses the start of `bytes`; a header longer than `maxLength` is invalid.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxLength: Int) -> Parse {
        let matchesOne = startsLike(versionOneSignature, bytes)
        let matchesTwo = startsLike(versionTwoSignature, bytes)
        guard matchesOne || matchesTwo else { return .invalid(.notAProxyHeader) }
        if matchesOne, bytes.count >= versionOneSignature.count { return parseVersionOne(bytes, maxLength: maxLength) }
        if matchesTwo, bytes.count >= versionTwoSignature.count { return parseVersionTwo(bytes, maxLength: maxLength) }
        return .needMore
    }

    /// True when `bytes` and `signature` agree as far as both go.
    private static func startsLike(_ signature: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        zip(signature, bytes).allSatisfy { $0 == $1 }
    }

    // MARK: Version 1

    private static func parseVersionOne(_ bytes: UnsafeRawBufferPointer, maxLength: Int) -> Parse {
        let limit = min(versionOneLimit, maxLength)
        let scanned = min(bytes.count, limit)
        var lineEnd: Int?
        if scanned >= 2 {
            for index in 0..<(scanned - 1) where bytes[index] == 13 && bytes[index + 1] == 10 {
                lineEnd = index
                break
            }
        }
        guard let lineEnd else { return bytes.count >= limit ? .invalid(.tooLong(limit: limit)) : .needMore }
        let line = Array(bytes[versionOneSignature.count..<lineEnd])
        guard line.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return .invalid(.malformed("control or non-ASCII bytes in the line")) }
        let fields = line.split(separator: 0x20, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let length = lineEnd + 2
        switch fields.first {
        case "UNKNOWN":
            return .complete(ProxyHeader(source: nil, destination: nil, version: 1, length: length))
        case "TCP4", "TCP6":
            guard fields.count == 5 else { return .invalid(.malformed("\(fields[0]) needs 4 fields after it, separated by single spaces")) }
            let family: SocketFamily = fields[0] == "TCP4" ? .ipv4 : .ipv6
            guard let sourcePort = port(fields[3]), let destinationPort = port(fields[4]) else {
                return .invalid(.malformed("ports must be 0 to 65535 without leading zeros"))
            }
            guard let source = address(fields[1], port: sourcePort, family: family),
                  let destination = address(fields[2], port: destinationPort, family: family) else {
                return .invalid(.malformed("addresses must be numeric \(family == .ipv4 ? "IPv4" : "IPv6") for \(fields[0])"))
            }
            return .complete(ProxyHeader(source: source, destination: destination, version: 1, length: length))
        default:
            return .invalid(.malformed("unknown protocol \(fields.first ?? ""); expected TCP4, TCP6 or UNKNOWN"))
        }
    }

    private static func port(_ text: String) -> UInt16? {
        guard !text.isEmpty, text.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text == "0" || !text.hasPrefix("0") else { return nil }
        return UInt16(text)
    }

    private static func address(_ text: String, port: UInt16, family: SocketFamily) -> SocketAddress? {
        guard let address = try? SocketAddress(ip: text, port: port), address.family == family else { return nil }
        return address
    }

    // MARK: Version 2

    private static func parseVersionTwo(_ bytes: UnsafeRawBufferPointer, maxLength: Int) -> Parse {
        guard bytes.count >= 16 else { return .needMore }
        let versionAndCommand = bytes[12]
        guard versionAndCommand >> 4 == 2 else { return .invalid(.malformed("version \(versionAndCommand >> 4), expected 2")) }
        let command = versionAndCommand & 0x0F
        guard command <= 1 else { return .invalid(.malformed("unknown command \(command)")) }
        let family = bytes[13] >> 4
        let transport = bytes[13] & 0x0F
        guard family <= 3, transport <= 2 else { return .invalid(.malformed("unknown family or transport \(bytes[13])")) }
        let addressLength = Int(bytes[14]) << 8 | Int(bytes[15])
        let length = 16 + addressLength
        guard length <= maxLength else { return .invalid(.tooLong(limit: maxLength)) }
        guard bytes.count >= length else { return .needMore }
        // LOCAL: a health check from the proxy itself, which names no client.
        guard command == 1, family != 0 else {
            return .complete(ProxyHeader(source: nil, destination: nil, version: 2, length: length))
        }
        guard transport == 1 else { return .invalid(.malformed("transport \(transport) is not a stream")) }
        let block = UnsafeRawBufferPointer(rebasing: bytes[16..<length])
        switch family {
        case 1:
            guard block.count >= 12 else { return .invalid(.malformed("an IPv4 address block needs 12 bytes, not \(block.count)")) }
            let source = ipAddress(block, offset: 0, size: 4, portAt: 8)
            let destination = ipAddress(block, offset: 4, size: 4, portAt: 10)
            return .complete(ProxyHeader(source: source, destination: destination, version: 2, length: length))
        case 2:
            guard block.count >= 36 else { return .invalid(.malformed("an IPv6 address block needs 36 bytes, not \(block.count)")) }
            let source = ipAddress(block, offset: 0, size: 16, portAt: 32)
            let destination = ipAddress(block, offset: 16, size: 16, portAt: 34)
            return .complete(ProxyHeader(source: source, destination: destination, version: 2, length: length))
        default:
            guard block.count >= 216 else { return .invalid(.malformed("a Unix address block needs 216 bytes, not \(block.count)")) }
            return .complete(ProxyHeader(source: unixAddress(block, offset: 0), destination: unixAddress(block, offset: 108), version: 2, length: length))
        }
    }

    private static func ipAddress(_ block: UnsafeRawBufferPointer, offset: Int, size: Int, portAt portOffset: Int) -> SocketAddress? {
        let port = UInt16(block[portOffset]) << 8 | UInt16(block[portOffset + 1])
        return SocketAddress(ipBytes: UnsafeRawBufferPointer(rebasing: block[offset..<(offset + size)]), port: port)
    }

    private static func unixAddress(_ block: UnsafeRawBufferPointer, offset: Int) -> SocketAddress? {
        let path = block[offset..<(offset + 108)].prefix { $0 != 0 }
        return path.isEmpty ? nil : .unix(path: String(decoding: path, as: UTF8.self))
    }
}
