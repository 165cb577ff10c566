import AsyncCore
import Glibc
import Testing
import TestSupport

// Raising the limit and growing the table change the whole process: those
// tests run the fault probe in a child (FaultTests/OpenFileLimitTests.swift).
@Test func theOpenFileLimitIsTheOneTheKernelReports() throws {
    let limits = try OpenFileLimit.current()
    let kernelLimits = try ProcessStatus(pid: getpid()).openFileLimits()
    let reported = try #require(kernelLimits)
    #expect(limits.soft == reported.soft)
    #expect(limits.hard == reported.hard)
}
