import CSystem
import Glibc
import Synchronization

/// Who the calling thread is: a number never given to another thread of the
/// process, and the name the system shows for it.
///
/// `pthread_t` values and thread IDs are reused once a thread ends, so a
/// check "is this the loop's thread?" made with them could pass on a new
/// thread after the loop's thread is gone. The number here comes from a
/// process-wide counter, kept in a thread-specific slot.
package enum ThreadIdentity {
    private static let slot: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()
    private static let lastNumber = Atomic<UInt64>(0)

    /// The calling thread's number, 1 or more. The corresponding C functions
    /// are `pthread_getspecific` and `pthread_setspecific`.
    package static var current: UInt64 {
        guard let slot else {
            // Without a slot no thread keeps a number: every call gets a new
            // one, so a thread check fails rather than passing wrongly.
            return lastNumber.add(1, ordering: .relaxed).newValue
        }
        if let stored = pthread_getspecific(slot) { return UInt64(UInt(bitPattern: stored)) }
        let number = lastNumber.add(1, ordering: .relaxed).newValue
        pthread_setspecific(slot, UnsafeRawPointer(bitPattern: UInt(number)))
        return number
    }

    /// The calling thread's name (the process name on the main thread). The
    /// corresponding C function is `pthread_getname_np`.
    package static var currentName: String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard pthread_getname_np(pthread_self(), &buffer, buffer.count) == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Names the calling thread, as `top` and `/proc/PID/task/TID/comm`
    /// show it; Linux keeps the first 15 bytes. The corresponding C
    /// function is `pthread_setname_np`.
    package static func nameCurrent(_ name: String) {
        var bytes = Array(name.utf8.prefix(15))
        // Cut at a character boundary, so a name is never left invalid UTF-8.
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        bytes.append(0)
        let name = bytes.map { CChar(bitPattern: $0) }
        _ = pthread_setname_np(pthread_self(), name)
    }
}
