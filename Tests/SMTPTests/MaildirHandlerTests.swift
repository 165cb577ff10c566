import AsyncCore
import Foundation
import SMTP
import TestSupport
import Testing

@Suite struct MaildirHandlerTests {
    static func message(_ data: String) -> SMTPMessage {
        SMTPMessage(peer: .ipv4(port: 25), heloName: "client", mailFrom: "a@b", recipients: ["c@d", "e@f"], data: Array(data.utf8))
    }

    @Test func storesOneFileWithLFLineEndsInNew() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let handler = try MaildirHandler(directory: temporary.path + "/deep/Maildir", hostname: "mx.test")
        #expect(handler.deliver(Self.message("Subject: x\r\n\r\nbare\rcr and\nlf\r\n")) == .ok)
        let stored = try temporary.files(in: "deep/Maildir/new")
        let envelope = "Return-Path: <a@b>\nDelivered-To: c@d\nDelivered-To: e@f\n"
        #expect(stored.map(\.content) == [Array((envelope + "Subject: x\n\nbare\rcr and\nlf\n").utf8)])
        #expect(try temporary.files(in: "deep/Maildir/tmp").isEmpty)
        #expect(try temporary.files(in: "deep/Maildir/cur").isEmpty)
        let name = try #require(stored.first?.name)
        #expect(name.wholeMatch(of: /[0-9]+\.[0-9]+_[0-9]+\.mx\.test/) != nil, "\(name)")
    }

    /// Writes go through a buffer smaller than the message: runs that fill
    /// it, runs longer than it, and CRLFs at its edges all come out right.
    @Test func largeMessagesKeepEveryByteButTheCRsOfCRLFs() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let handler = try MaildirHandler(directory: temporary.path, hostname: "mx.test")
        var data: [UInt8] = [13, 10, 13, 10]
        var expected: [UInt8] = [10, 10]
        for length in [1, 65535, 65536, 65537, 200_000, 3, 0, 70_000] {
            let run = [UInt8](repeating: UInt8(ascii: "a") + UInt8(length % 26), count: length)
            data += run + [13, 10] + [13, 13, 10, 10, 13, 10]
            expected += run + [10] + [13, 10, 10, 10]
        }
        data += [13]
        expected += [13]
        let message = SMTPMessage(peer: .ipv4(port: 25), heloName: "client", mailFrom: "a@b", recipients: ["c@d"], data: data)
        #expect(message.dataWithLFLineEnds == expected)
        #expect(handler.deliver(message) == .ok)
        #expect(try temporary.files(in: "new").map(\.content) == [Array("Return-Path: <a@b>\nDelivered-To: c@d\n".utf8) + expected])
    }

    @Test func namesAreUnique() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let handler = try MaildirHandler(directory: temporary.path, hostname: "a/b:c")
        for index in 0..<50 { _ = try handler.store(Array("\(index)\n".utf8)) }
        let stored = try temporary.files(in: "new")
        #expect(stored.count == 50)
        #expect(stored.allSatisfy { $0.name.hasSuffix(".a\\057b\\072c") })
    }

    @Test func storeFailureIsA451AndLeavesNothing() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let handler = try MaildirHandler(directory: temporary.path, hostname: "mx.test")
        try FileManager.default.removeItem(atPath: temporary.path + "/tmp")
        #expect(handler.deliver(Self.message("x\r\n")) == .localError)
        #expect(try temporary.files(in: "new").isEmpty)
    }

    @Test func refusesAFileWhereTheMaildirShouldBe() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try temporary.write([], to: "file")
        let file = (temporary.path + "/file").replacing("//", with: "/")
        #expect(throws: SystemError(.mkdir, errno: .fileExists, path: file)) {
            _ = try MaildirHandler(directory: temporary.path + "/file")
        }
    }
}
