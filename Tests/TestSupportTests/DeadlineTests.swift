import Glibc
import TestSupport
import Testing

@Suite struct DeadlineTests {
    @Test func thePollTimeoutRoundsUpAndTheTimeLeftIsNeverNegative() {
        let soon = Deadline(.microseconds(1500))
        #expect((0...2).contains(soon.pollTimeout))
        #expect(Deadline(.seconds(1)).pollTimeout > 990)
        let past = Deadline(.seconds(-1))
        #expect(past.hasPassed)
        #expect(past.remaining == .zero)
        #expect(past.pollTimeout == 0)
    }

    @Test func awaitEventsSeesDataAndRunsOutWithoutIt() throws {
        var descriptors: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) == 0)
        defer { descriptors.forEach { _ = close($0) } }
        #expect(try !Deadline(.milliseconds(20)).awaitEvents(Int16(POLLIN), on: descriptors[0]))
        #expect(try Deadline(.seconds(20)).awaitEvents(Int16(POLLOUT), on: descriptors[1]))
        var byte: UInt8 = 7
        #expect(send(descriptors[1], &byte, 1, Int32(MSG_NOSIGNAL)) == 1)
        #expect(try Deadline(.seconds(20)).awaitEvents(Int16(POLLIN), on: descriptors[0]))
    }
}
