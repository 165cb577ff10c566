import AsyncCore
import Testing

/// The PROXY protocol header parser on its own: both versions, strictly.
@Suite("PROXY protocol header")
struct ProxyHeaderTests {
    static func parse(_ bytes: [UInt8], maxLength: Int = 4096) -> ProxyHeader.Parse {
        bytes.withUnsafeBytes { ProxyHeader.parse($0, maxLength: maxLength) }
    }

    static func v2(command: UInt8 = 1, family: UInt8, block: [UInt8]) -> [UInt8] {
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20 | command, family,
         UInt8(block.count >> 8), UInt8(block.count & 0xFF)] + block
    }

    static let v2IPv4 = v2(family: 0x11, block: [203, 0, 113, 7, 192, 0, 2, 1, 0xC7, 0x38, 0, 25])

    @Test func versionOneTCP4() {
        let line = Array("PROXY TCP4 203.0.113.7 192.0.2.1 51000 25\r\n".utf8)
        #expect(Self.parse(line + Array("EHLO".utf8)) == .complete(ProxyHeader(
            source: .ipv4(host: "203.0.113.7", port: 51000), destination: .ipv4(host: "192.0.2.1", port: 25),
            version: 1, length: line.count)))
    }

    @Test func versionOneTCP6AndUnknown() {
        let six = Array("PROXY TCP6 2001:db8::7 2001:db8::1 65535 0\r\n".utf8)
        #expect(Self.parse(six) == .complete(ProxyHeader(
            source: .ipv6(host: "2001:db8::7", port: 65535), destination: .ipv6(host: "2001:db8::1", port: 0),
            version: 1, length: six.count)))
        let unknown = Array("PROXY UNKNOWN ffff::1 whatever\r\n".utf8)
        #expect(Self.parse(unknown) == .complete(ProxyHeader(source: nil, destination: nil, version: 1, length: unknown.count)))
    }

    @Test(arguments: [
        "PROXY TCP4 203.0.113.7  192.0.2.1 51000 25\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 051000 25\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 65536 25\r\n",
        "PROXY TCP4 2001:db8::7 192.0.2.1 1 25\r\n",
        "PROXY TCP6 203.0.113.7 192.0.2.1 1 25\r\n",
        "PROXY TCP5 203.0.113.7 192.0.2.1 1 25\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 1\r\n",
        "PROXY TCP4 host.example 192.0.2.1 1 2\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 +1 25\r\n",
    ])
    func versionOneIsParsedStrictly(line: String) {
        guard case .invalid(.malformed) = Self.parse(Array(line.utf8)) else {
            Issue.record("accepted \(line.debugDescription)")
            return
        }
    }

    @Test func versionOneMustEndWithin107Bytes() {
        let long = Array(("PROXY UNKNOWN " + String(repeating: "x", count: 100)).utf8)
        #expect(Self.parse(long) == .invalid(.tooLong(limit: 107)))
    }

    @Test func anythingElseIsNotAHeader() {
        #expect(Self.parse(Array("proxy TCP4".utf8)) == .invalid(.notAProxyHeader))
        #expect(Self.parse(Array("EHLO x\r\n".utf8)) == .invalid(.notAProxyHeader))
        #expect(Self.parse([0x0D, 0x0A, 0x0D, 0x0B]) == .invalid(.notAProxyHeader))
    }

    /// Every proper prefix of a valid header of either version asks for more.
    @Test func everyPrefixNeedsMore() {
        for header in [Array("PROXY TCP4 203.0.113.7 192.0.2.1 51000 25\r\n".utf8), Self.v2IPv4] {
            for length in 0..<header.count {
                #expect(Self.parse(Array(header[..<length])) == .needMore, "prefix of \(length) bytes")
            }
        }
    }

    @Test func versionTwoIPv4WithExtensions() {
        let withTLV = Self.v2(family: 0x11, block: [203, 0, 113, 7, 192, 0, 2, 1, 0xC7, 0x38, 0, 25, 0x04, 0, 1, 0x7F])
        #expect(Self.parse(withTLV + [0x45]) == .complete(ProxyHeader(
            source: .ipv4(host: "203.0.113.7", port: 51000), destination: .ipv4(host: "192.0.2.1", port: 25),
            version: 2, length: withTLV.count)))
    }

    @Test func versionTwoIPv6LocalAndUnix() {
        let v6block = [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [2] + [0, 80, 1, 187]
        #expect(Self.parse(Self.v2(family: 0x21, block: v6block)) == .complete(ProxyHeader(
            source: .ipv6(host: "::1", port: 80), destination: .ipv6(host: "::2", port: 443), version: 2, length: 52)))
        let local = Self.v2(command: 0, family: 0x00, block: [])
        #expect(Self.parse(local) == .complete(ProxyHeader(source: nil, destination: nil, version: 2, length: 16)))
        let path = Array("/run/client.sock".utf8)
        let unixBlock = path + [UInt8](repeating: 0, count: 108 - path.count) + [UInt8](repeating: 0, count: 108)
        #expect(Self.parse(Self.v2(family: 0x31, block: unixBlock)) == .complete(ProxyHeader(
            source: .unix(path: "/run/client.sock"), destination: nil, version: 2, length: 232)))
    }

    @Test func versionTwoIsParsedStrictly() {
        var badVersion = Self.v2IPv4
        badVersion[12] = 0x11
        #expect(Self.parse(badVersion) == .invalid(.malformed("version 1, expected 2")))
        var badCommand = Self.v2IPv4
        badCommand[12] = 0x22
        #expect(Self.parse(badCommand) == .invalid(.malformed("unknown command 2")))
        #expect(Self.parse(Self.v2(family: 0x12, block: Array(Self.v2IPv4[16...]))) == .invalid(.malformed("transport 2 is not a stream")))
        #expect(Self.parse(Self.v2(family: 0x11, block: [1, 2, 3])) == .invalid(.malformed("an IPv4 address block needs 12 bytes, not 3")))
        #expect(Self.parse(Self.v2(family: 0x11, block: [UInt8](repeating: 0, count: 5000))) == .invalid(.tooLong(limit: 4096)))
    }
}
