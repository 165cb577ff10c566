import AsyncTLS
import TestSupport
import Testing

/// Contexts: what a build without the trait says, and certificate files
/// that cannot be used.
@Suite("TLS contexts")
struct TLSContextTests {
    #if TLS
    @Test func aBuildWithTheTraitHasTLS() throws {
        #expect(TLSContext.isAvailable)
        let server = try TLSContext(certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key)
        #expect(server.isServer)
        #expect(server.handshakeTimeout == .seconds(10))
    }

    @Test func aMissingCertificateFileIsNamed() {
        #expect(throws: TLSError.certificateChain(path: "/nonexistent/cert.pem", reason: "No such file or directory")) {
            try TLSContext(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: TestCertificates.server.key)
        }
    }

    @Test func aFileThatIsNoCertificateIsRefused() throws {
        #expect(throws: TLSError.certificateChain(path: TestCertificates.server.key, reason: "no start line")) {
            try TLSContext(certificateChainFile: TestCertificates.server.key, privateKeyFile: TestCertificates.server.key)
        }
    }

    @Test func aKeyOfAnotherCertificateIsRefused() {
        let error = TLSError.keyMismatch(certificateChain: TestCertificates.server.chain, privateKey: TestCertificates.expired.key)
        #expect(throws: error) {
            try TLSContext(certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.expired.key)
        }
        #expect("\(error)".hasPrefix("the private key \(TestCertificates.expired.key) does not belong to the certificate"))
    }

    @Test func aMissingTrustFileIsNamed() {
        #expect(throws: TLSError.self) { try TLSContext(trust: .certificates(file: "/nonexistent/ca.pem")) }
    }
    #else
    @Test func aBuildWithoutTheTraitSaysHowToGetTLS() {
        #expect(!TLSContext.isAvailable)
        #expect(throws: TLSError.unavailable) { try TLSContext(trust: .systemStore) }
        #expect(throws: TLSError.unavailable) {
            try TLSContext(certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key)
        }
        #expect("\(TLSError.unavailable)".contains("swift build --traits TLS"))
    }
    #endif
}
