import AsyncCore
import Dispatch
import Testing

/// The library's lock: `Mutex` with its ordering told to ThreadSanitizer.
/// Under `.ci/sanitize` this suite is also the check that the sanitizer
/// accepts the contended case.
@Suite struct SanitizerVisibleMutexTests {
    @Test func contendedIncrementsAreNeverLost() {
        let counter = SanitizerVisibleMutex<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<25_000 { counter.withLock { $0 += 1 } }
        }
        #expect(counter.withLock { $0 } == 100_000)
    }

    @Test func whatTheBodyThrowsIsThrownAndTheLockIsFree() {
        struct Refused: Error, Equatable {}
        let value = SanitizerVisibleMutex<[Int]>([1])
        #expect(throws: Refused()) {
            try value.withLock { (numbers: inout [Int]) throws(Refused) in
                numbers.append(2)
                throw Refused()
            }
        }
        #expect(value.withLock { $0 } == [1, 2])
    }
}
