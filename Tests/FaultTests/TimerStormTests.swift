import AsyncCore
import Glibc
import TestSupport
import Testing

extension Faults {
    /// 100,000 timers with random deadlines (many shared), a third of them
    /// cancelled before the storm and more cancelled by other timers while
    /// it fires. They fire in deadline order (ties in scheduling order),
    /// never early, cancelled ones never; the heap holds exactly the timers
    /// still pending at every step (a cancelled timer leaves no tombstone),
    /// and once the storm is over no timer object is left alive; a
    /// connection on the same loop is served between every two steps of it.
    @Suite("A storm of 100,000 timers")
    struct TimerStormTests {
        static let timerCount = 100_000

        /// What the storm recorded about one timer.
        final class Record {
            let deadline: LoopInstant
            var firedAt: LoopInstant?
            var cancelled = false
            weak var timer: LoopTimer?
            init(deadline: LoopInstant) { self.deadline = deadline }
        }

        @Test func timersFireInOrderCancelledOnesNeverAndNothingIsKept() async throws {
            try await onOwnThread {
                let clock = ManualClock()
                let loop = try EventLoop(clock: clock)
                defer { loop.closeAll() }
                let (local, peer) = try Socket.pair()
                defer { peer.close() }
                _ = try ByteEcho(socket: local, loop: loop)
                var random = SeededGenerator(seed: 0x5EED_0F_71_3E25)
                let span: Int64 = 10_000_000   // 10 ms of virtual time: about ten timers per deadline
                var records: [Record] = []
                var order: [Int] = []
                var timers: [LoopTimer] = []
                var cancelledCount = 0
                records.reserveCapacity(Self.timerCount)
                for index in 0..<Self.timerCount {
                    let record = Record(deadline: LoopInstant(nanoseconds: Int64.random(in: 0..<span, using: &random) / 1000 * 1000))
                    records.append(record)
                    // Every tenth timer cancels a random other one when it fires.
                    let victim = index % 10 == 0 ? Int.random(in: 0..<Self.timerCount, using: &random) : nil
                    let timer = loop.schedule(at: record.deadline) { [unowned clock] in
                        record.firedAt = clock.now
                        order.append(index)
                        if let victim, records[victim].firedAt == nil, !records[victim].cancelled {
                            records[victim].cancelled = true
                            cancelledCount += 1
                            records[victim].timer?.cancel()
                        }
                    }
                    record.timer = timer
                    timers.append(timer)
                }
                for (index, record) in records.enumerated() where Int.random(in: 0..<3, using: &random) == 0 {
                    record.cancelled = true
                    cancelledCount += 1
                    timers[index].cancel()
                }
                timers.removeAll()
                #expect(loop.pendingTimerCount == Self.timerCount - cancelledCount)

                // Each step of virtual time fires the timers due, then a byte
                // makes a round trip through the same loop.
                let step = Duration.microseconds(100)
                var pendingMismatches = 0
                var roundTrips = 0
                var byte: UInt8 = 0
                while true {
                    try loop.runPass(timeout: .zero)
                    if loop.pendingTimerCount != Self.timerCount - cancelledCount - order.count { pendingMismatches += 1 }
                    byte &+= 1
                    if try roundTrip(byte, through: peer, on: loop) { roundTrips += 1 }
                    guard clock.now.nanoseconds < span else { break }
                    clock.advance(by: step)
                }
                #expect(pendingMismatches == 0, "the heap held other than the pending timers after \(pendingMismatches) steps")
                #expect(roundTrips == Int(span / 100_000) + 1, "the connection was not served between the steps of the storm")
                #expect(loop.pendingTimerCount == 0)

                #expect(records.allSatisfy { $0.cancelled == ($0.firedAt == nil) }, "a timer fired although cancelled, or neither fired nor was cancelled")
                #expect(order.count == records.count { !$0.cancelled })
                let inOrder = zip(order, order.dropFirst()).allSatisfy { earlier, later in
                    records[earlier].deadline < records[later].deadline
                        || (records[earlier].deadline == records[later].deadline && earlier < later)
                }
                #expect(inOrder, "timers fired out of (deadline, scheduling) order")
                let late = records.filter { record in
                    guard let firedAt = record.firedAt else { return false }
                    return firedAt < record.deadline || firedAt.duration(since: record.deadline) >= step
                }
                #expect(late.count == 0, "timers fired early or a step late")
                #expect(records.allSatisfy { $0.timer == nil }, "fired or cancelled timers are still alive")
            }
        }

        /// On the real clock, delays measured from each scheduling, so the
        /// storm outlasts even a slow set-up. Every timer due at the start
        /// of a pass fires in that pass: a burst of due timers delays I/O by
        /// their run time, and no more.
        @Test func onTheRealClockNoTimerFiresEarlyOrOutOfOrderAndTheLoopServesIO() async throws {
            try await onOwnThread {
                let loop = try EventLoop()
                defer { loop.closeAll() }
                let (local, peer) = try Socket.pair()
                defer { peer.close() }
                _ = try ByteEcho(socket: local, loop: loop)
                var random = SeededGenerator(seed: 0xC10C_5_7012)
                var fired = 0
                var early = 0
                var outOfOrder = 0
                var last = LoopInstant(nanoseconds: .min)
                for _ in 0..<Self.timerCount {
                    let deadline = loop.clock.now.advanced(by: .microseconds(Int64.random(in: 0..<500_000, using: &random)))
                    loop.schedule(at: deadline) {
                        fired += 1
                        if loop.clock.now < deadline { early += 1 }
                        if deadline < last { outOfOrder += 1 }
                        last = deadline
                    }
                }
                let deadline = Deadline(.seconds(30))
                var byte: UInt8 = 0
                while fired < Self.timerCount {
                    if deadline.hasPassed { throw FaultError("only \(fired) of \(Self.timerCount) timers fired") }
                    byte &+= 1
                    #expect(try roundTrip(byte, through: peer, on: loop))
                }
                #expect(early == 0)
                #expect(outOfOrder == 0)
                #expect(loop.pendingTimerCount == 0)
            }
        }

        /// Sends `byte` through `peer` and runs `loop` until it comes back;
        /// false if it does not within 10 s.
        private func roundTrip(_ byte: UInt8, through peer: Socket, on loop: EventLoop) throws -> Bool {
            var sent = byte
            guard Glibc.write(peer.descriptor, &sent, 1) == 1 else { throw SystemError(.write, errno: Errno(rawValue: errno)) }
            let deadline = Deadline(.seconds(10))
            var reply: UInt8 = 0
            while Glibc.read(peer.descriptor, &reply, 1) != 1 {
                if deadline.hasPassed { return false }
                try loop.runPass(timeout: .milliseconds(10))
            }
            return reply == byte
        }
    }
}
