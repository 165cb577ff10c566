import AsyncCore
import Testing

@Test func aTimerFiresWhenVirtualTimeReachesIt() throws {
    let clock = ManualClock()
    let loop = try EventLoop(clock: clock)
    var fired = false
    loop.schedule(after: .seconds(300)) { fired = true }
    try loop.run(timeout: .zero, count: 1)
    #expect(!fired)                        // no real time is waited for
    clock.advance(by: .seconds(300))
    try loop.run(timeout: .zero, count: 1)
    #expect(fired)
}
