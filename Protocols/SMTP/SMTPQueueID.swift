import Glibc
import Synchronization

/// Queue IDs: twelve upper-case hexadecimal digits naming a transaction in
/// log lines and `Received:` headers, as Postfix's do. The process's start
/// time sets the high digits, so runs of the server differ; a counter sets
/// the rest, so IDs never repeat within a process.
enum SMTPQueueID {
    private static let sequence = Atomic<UInt64>(0)
    private static let start = UInt64(max(0, time(nil)))

    static func next() -> String {
        let count = sequence.add(1, ordering: .relaxed).newValue
        let value = ((start << 24) &+ count) & 0xFFFF_FFFF_FFFF
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }
}
