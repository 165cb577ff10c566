#if TLS
import AsyncChat
import AsyncCore
import AsyncTLS
import Glibc
import TestSupport
import Testing

/// TLS between two channels of one loop: lines both ways, verification of
/// the server, bad peers, and the end of a connection.
@Suite("TLS layer")
struct TLSLayerTests {
    @Test(arguments: PollerBackend.allCases)
    func linesGoBothWaysOnceTheHandshakeIsDone(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        // Pushed before the handshake: they wait for it.
        pair.client.push("one\r\ntwo\r\n")
        pair.client.push("three\r\n")
        try loop.run(until: { pair.client.lines.count == 3 })
        #expect(pair.server.lines == ["one", "two", "three"])
        #expect(pair.client.lines == ["echo one", "echo two", "echo three"])
        #expect(pair.serverLayer.isEstablished && pair.clientLayer.isEstablished)
        #expect(pair.server.errors.isEmpty && pair.client.errors.isEmpty)
    }

    @Test func aCertificateFromAnUntrustedAuthorityIsRefused() throws {
        let error = try clientError(trust: .systemStore)
        #expect(error == .verification(host: "localhost", reason: "unable to get local issuer certificate"))
    }

    @Test func anExpiredCertificateIsRefused() throws {
        let error = try clientError(certificate: TestCertificates.expired)
        #expect(error == .verification(host: "localhost", reason: "certificate has expired"))
    }

    @Test func aCertificateForAnotherHostIsRefused() throws {
        let error = try clientError(certificate: TestCertificates.otherHost)
        #expect(error == .verification(host: "localhost", reason: "hostname mismatch"))
    }

    @Test func anAddressIsCheckedAgainstTheCertificatesAddresses() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let accepted = try TLSPair(loop: loop, serverName: "127.0.0.1")
        accepted.client.push("hi\r\n")
        try loop.run(until: { accepted.client.lines == ["echo hi"] })
        let refused = try clientError(certificate: TestCertificates.otherHost, serverName: "127.0.0.1")
        #expect(refused == .verification(host: "127.0.0.1", reason: "IP address mismatch"))
    }

    @Test func anyCertificateIsAcceptedWhenVerificationIsOff() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop, certificate: TestCertificates.expired, trust: .anyCertificate, serverName: "elsewhere")
        pair.client.push("hi\r\n")
        try loop.run(until: { pair.client.lines == ["echo hi"] })
    }

    /// Runs a pair whose client must refuse the server; returns the client's error.
    private func clientError(
        certificate: (chain: String, key: String) = TestCertificates.server,
        trust: TLSTrust = .certificates(file: TestCertificates.authority),
        serverName: String = "localhost",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> TLSError? {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop, certificate: certificate, trust: trust, serverName: serverName)
        pair.client.push("secret\r\n")
        try loop.run(until: { pair.client.closed && pair.server.closed }, sourceLocation: sourceLocation)
        #expect(pair.server.lines.isEmpty, "nothing reached the server", sourceLocation: sourceLocation)
        #expect(pair.client.errors.count == 1, sourceLocation: sourceLocation)
        #expect(pair.server.errors.count == 1, "the server hears of the refusal: \(pair.server.errors)", sourceLocation: sourceLocation)
        return pair.client.errors.first as? TLSError
    }
}
#endif
