import AsyncCore
import Foundation
import Glibc
import Testing

@Test func raisingTheOpenFileLimitLiftsTheSoftLimitToTheHardLimit() throws {
    let raised = try OpenFileLimit.raiseToHardLimit()
    let limits = try OpenFileLimit.current()
    #expect(raised == limits.hard)
    #expect(limits.soft == limits.hard)
    #expect(try OpenFileLimit.raiseToHardLimit() == raised)
}

@Test func reservingTheDescriptorTableGrowsItAndLeavesNoDescriptorOpen() throws {
    let before = try descriptorTableSize()
    let wanted = min(before * 2, try OpenFileLimit.current().soft)
    try #require(wanted > before, "the soft limit leaves no room to grow the table")
    #expect(try OpenFileLimit.reserveDescriptorTable(for: wanted) == wanted)
    #expect(try descriptorTableSize() >= wanted)
    // The placeholder at the table's end is closed again.
    #expect(fcntl(Int32(wanted - 1), F_GETFD) == -1)
}

/// The slots of this process's descriptor table: `FDSize` in `/proc/self/status`.
private func descriptorTableSize() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("FDSize:") }
    return Int(line?.dropFirst("FDSize:".count).trimmingCharacters(in: .whitespaces) ?? "") ?? 0
}
