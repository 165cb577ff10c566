import AsyncCore
import Testing

@Test func raisingTheOpenFileLimitLiftsTheSoftLimitToTheHardLimit() throws {
    let raised = try OpenFileLimit.raiseToHardLimit()
    let limits = try OpenFileLimit.current()
    #expect(raised == limits.hard)
    #expect(limits.soft == limits.hard)
    #expect(try OpenFileLimit.raiseToHardLimit() == raised)
}
