import AsyncCore
import Glibc
import TestSupport
import Testing

/// The programs' TLS flags, with real clients and servers: Python's `ssl`,
/// `openssl s_client`, Python's HTTPS server.
@Suite(.serialized) struct TLSProgramTests {
    #if TLS
    private var tlsFlags: [String] { ["--tls-cert", TestCertificates.server.chain, "--tls-key", TestCertificates.server.key] }

    @Test func echoServerServesPythonsSSLClient() throws {
        let server = try ServerProcess("echo-server", tlsFlags)
        let output = try python("""
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
                tls = context.wrap_socket(raw, server_hostname="localhost")
                tls.sendall(b"one\\r\\ntwo\\n")
                received = b""
                while received.count(b"\\n") < 2:
                    received += tls.recv(100)
                version = tls.version()
                tls.unwrap()   # close_notify both ways
                print(version, received)
            """, arguments: [String(server.port), TestCertificates.authority])
        #expect(output == "TLSv1.3 b'one\\r\\ntwo\\n'\n")
        #expect(try server.process.errorOutputContains("echo-server: mode line over TLS,"))
        #expect(try server.stop() == .exited(0))
    }

    @Test func echoServerServesOpenSSLsClient() throws {
        let server = try ServerProcess("echo-server", tlsFlags)
        let client = try ChildProcess(
            path: "/usr/bin/env",
            arguments: [
                "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", TestCertificates.authority,
                "-verify_hostname", "localhost", "-verify_return_error", "-quiet", "-no_ign_eof",
            ],
            input: .open)
        try client.write(Array("hello over tls\n".utf8))
        #expect(try client.waitForLine(containing: "hello") == "hello over tls")
        client.closeInput()
        #expect(try client.waitForExit() == .exited(0))
        #expect(try server.stop() == .exited(0))
    }

    /// A client speaking plaintext to the TLS port: one log line says why
    /// it was closed, and the server serves the next client.
    @Test func plaintextToTheTLSPortIsLoggedAndTheServerGoesOn() throws {
        let server = try ServerProcess("echo-server", tlsFlags)
        let plain = try #require(try LocalPeer.connect(port: server.port))
        #expect(try plain.sendAll(Array("hello\n".utf8)))
        let peer = try plain.address
        #expect(try server.process.errorOutputContains(
            "echo-server: \(peer): failed: TLS handshake failed: wrong version number\n"))
        let output = try python("""
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            with context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="localhost") as tls:
                tls.sendall(b"still here\\n")
                print(tls.recv(100))
            """, arguments: [String(server.port), TestCertificates.authority])
        #expect(output == "b'still here\\n'\n")
        #expect(try server.stop() == .exited(0))
    }

    @Test func httpClientFetchesOverTLSAndChecksTheCertificate() throws {
        let https = try HTTPSServer(certificate: TestCertificates.server)
        let url = "https://localhost:\(https.port)/page"
        let trusted = try ChildProcess(product: "http-client", arguments: ["--ca-file", TestCertificates.authority, url])
        #expect(try trusted.waitForExit() == .exited(0))
        #expect(trusted.outputText.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(trusted.outputText.hasSuffix("\r\n\r\nhello over tls\n"))
        #expect(trusted.errorText == "http-client: \(url): 200 OK, \(trusted.output.count) bytes from 127.0.0.1:\(https.port)\n")

        let untrusted = try ChildProcess(product: "http-client", arguments: [url])
        #expect(try untrusted.waitForExit() == .exited(1))
        #expect(untrusted.errorText == "http-client: \(url) (127.0.0.1:\(https.port)): TLS handshake failed: "
            + "the certificate of localhost was not accepted: unable to get local issuer certificate\n")

        let insecure = try ChildProcess(product: "http-client", arguments: ["--insecure", "https://127.0.0.1:\(https.port)/"])
        #expect(try insecure.waitForExit() == .exited(0))
        #expect(insecure.outputText.hasSuffix("hello over tls\n"))
    }

    @Test func smtpServerOffersStartTLSAndAuthToSmtplib() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let users = try folder.write(Array("# test users\nalice:wonderland\n".utf8), to: "users")
        let server = try ServerProcess(
            "smtp-server", tlsFlags + ["--hostname", "mx.test", "--discard", "--require-tls", "--auth-file", users])
        let output = try python("""
            import smtplib, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            with smtplib.SMTP("localhost", int(sys.argv[1]), timeout=30) as s:
                print(s.ehlo()[0], s.has_extn("starttls"), s.has_extn("auth"))
                print(s.mail("a@example.com")[0])
                s.starttls(context=context)
                print(s.ehlo()[0], s.has_extn("starttls"), s.has_extn("auth"))
                print(s.login("alice", "wonderland")[0])
                print(s.sendmail("alice@example.com", ["bob@example.com"], "Subject: hi\\n\\nhello\\n"))
            """, arguments: [String(server.port), TestCertificates.authority])
        #expect(output == "250 True False\n530\n250 False True\n235\n{}\n")
        #expect(try server.process.errorOutputContains("smtp-server: open-file limit "))
        #expect(try server.process.errorOutputContains(", STARTTLS required, AUTH for 1 user\n"))
        #expect(try server.process.errorOutputContains(": sasl_method=PLAIN, sasl_username=alice\n"))
        #expect(try server.stop() == .exited(0))
        #expect(!server.process.errorText.contains("wonderland"))
    }

    @Test func smtpServerServesImplicitTLS() throws {
        let server = try ServerProcess("smtp-server", tlsFlags + ["--hostname", "mx.test", "--discard", "--implicit-tls"])
        let output = try python("""
            import smtplib, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            with smtplib.SMTP_SSL("localhost", int(sys.argv[1]), context=context, timeout=30) as s:
                print(s.ehlo()[0], s.sendmail("a@example.com", ["b@example.com"], "Subject: hi\\n\\nhello\\n"))
            """, arguments: [String(server.port), TestCertificates.authority])
        #expect(output == "250 {}\n")
        #expect(try server.stop() == .exited(0))
    }

    @Test func httpClientRefusesAnExpiredCertificate() throws {
        let https = try HTTPSServer(certificate: TestCertificates.expired)
        let client = try ChildProcess(
            product: "http-client", arguments: ["--ca-file", TestCertificates.authority, "https://localhost:\(https.port)/"])
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText.hasSuffix(": TLS handshake failed: the certificate of localhost was not accepted: certificate has expired\n"))
        #expect(client.output.isEmpty)
    }
    #else
    @Test func withoutTheTraitTheTLSFlagsSayHowToBuildWithIt() throws {
        let server = try ChildProcess(
            product: "echo-server",
            arguments: ["--port", "0", "--tls-cert", TestCertificates.server.chain, "--tls-key", TestCertificates.server.key])
        #expect(try server.waitForExit() == .exited(1))
        #expect(server.errorText == "echo-server: TLS is not built in: build with `swift build --traits TLS` (needs the system's OpenSSL 3, libssl-dev)\n")
        let client = try ChildProcess(product: "http-client", arguments: ["https://127.0.0.1:1/"])
        #expect(try client.waitForExit() == .exited(1))
        #expect(client.errorText == "http-client: TLS is not built in: build with `swift build --traits TLS` (needs the system's OpenSSL 3, libssl-dev)\n")
    }
    #endif

    @Test(arguments: [
        ("echo-server", ["--tls-cert", "cert.pem"], "--tls-cert needs --tls-key"),
        ("smtp-server", ["--tls-key", "key.pem"], "--tls-key needs --tls-cert"),
        ("smtp-server", ["--require-tls"], "--require-tls needs --tls-cert and --tls-key"),
        ("smtp-server", ["--implicit-tls"], "--implicit-tls needs --tls-cert and --tls-key"),
        ("smtp-server", ["--require-auth"], "--require-auth needs --auth-file"),
        ("http-client", ["--insecure", "--ca-file", "ca.pem", "https://localhost/"], "--insecure and --ca-file exclude each other"),
    ])
    func tlsFlagsThatDoNotFitAreBadUsage(program: String, arguments: [String], message: String) throws {
        let child = try ChildProcess(product: program, arguments: arguments)
        #expect(try child.waitForExit() == .exited(2))
        #expect(child.errorText.hasPrefix("\(program): \(message)\n"))
    }

    /// Runs a Python script with `arguments`; returns its standard output.
    private func python(_ script: String, arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let process = try ChildProcess(path: "/usr/bin/env", arguments: ["python3", "-c", script] + arguments)
        let status = try process.waitForExit()
        #expect(status == .exited(0), "python3 failed: \(process.errorText)", sourceLocation: sourceLocation)
        return process.outputText
    }
}

#if TLS
/// Python's HTTPS server on a free loopback port, answering every GET with
/// "hello over tls"; stopped when the value goes away.
private final class HTTPSServer {
    let process: ChildProcess
    let port: UInt16

    init(certificate: (chain: String, key: String)) throws {
        let script = """
            import http.server, ssl, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b"hello over tls\\n"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process = try ChildProcess(path: "/usr/bin/env", arguments: ["python3", "-c", script, certificate.chain, certificate.key])
        guard let line = try process.readLine(), let port = UInt16(line) else {
            process.kill()
            throw ServerProcessError(program: "python3 https server", firstLine: nil, errors: process.errorText)
        }
        self.port = port
    }

    deinit {
        process.kill()
    }
}
#endif
