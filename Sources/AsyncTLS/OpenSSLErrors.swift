#if TLS
internal import CSSL
import Glibc

/// OpenSSL's per-thread error queue, read as the text a ``TLSError`` carries.
enum OpenSSLErrors {
    /// `ERR_SYSTEM_FLAG`: the code is a system call's errno.
    private static let systemErrorFlag = UInt(Int32.max) + 1

    /// Empties the queue: the next call's failure is then its own.
    static func clear() {
        ERR_clear_error()
    }

    /// Empties the queue if anything is in it: a look costs far less than
    /// emptying, which visits every slot.
    static func clearIfAny() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// The first reason queued since the last ``clear()`` (the most precise:
    /// those after it say where it passed through), and empties the queue:
    /// `"wrong version number"`; "unknown error" when none is queued.
    static func take() -> String {
        var first: String?
        while true {
            let code = ERR_get_error()
            guard code != 0 else { break }
            let text: String
            if code & systemErrorFlag != 0 {
                // A failed system call: the rest of the code is its errno.
                text = String(cString: strerror(Int32(truncatingIfNeeded: code & (systemErrorFlag - 1))))
            } else if let reason = ERR_reason_error_string(code) {
                text = String(cString: reason)
            } else {
                text = "error \(code)"
            }
            if first == nil { first = text }
        }
        return first ?? "unknown error"
    }
}
#endif
