import AsyncCore
import Testing
import TestSupport

extension Faults {
    /// The process-wide calls of `OpenFileLimit`, each made in a probe child.
    @Suite("Open-file limit")
    struct OpenFileLimitTests {
        @Test func raisingTheLimitLiftsTheSoftLimitToTheHardLimit() async throws {
            try await onOwnThread {
                let lowered = try ProbeProcess(["echo", "--nofile", "64"])
                let lowLimits = try ProcessStatus(pid: lowered.pid).openFileLimits()
                let low = try #require(lowLimits)
                #expect(low.soft == min(64, low.hard))
                let raised = try ProbeProcess(["echo", "--nofile", "64", "--nofile", "max"])
                let raisedLimits = try ProcessStatus(pid: raised.pid).openFileLimits()
                let limits = try #require(raisedLimits)
                #expect(limits.soft == limits.hard)
            }
        }

        /// The table grows once, at start-up, and the placeholder that grew
        /// it is closed again.
        @Test func reservingTheDescriptorTableGrowsItAndLeavesNoDescriptorOpen() async throws {
            try await onOwnThread {
                let plain = try ProbeProcess(["echo", "--nofile", "max"])
                let reserved = try ProbeProcess(["echo", "--nofile", "max", "--reserve-descriptors", "8192"])
                #expect(try ProcessStatus(pid: plain.pid).descriptorTableSize() < 8192)
                #expect(try ProcessStatus(pid: reserved.pid).descriptorTableSize() >= 8192)
                #expect(try reserved.openDescriptorCount() == plain.openDescriptorCount())
            }
        }
    }
}
