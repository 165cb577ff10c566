#if TLS
import CSSL

/// OpenSSL's per-thread error queue, read as the text a ``TLSError`` carries.
enum OpenSSLErrors {
    /// Empties the queue: the next call's failure is then its own.
    static func clear() {
        ERR_clear_error()
    }

    /// The reasons queued since the last ``clear()``, joined, and empties the
    /// queue: `"wrong version number"`; "unknown error" when none is queued.
    static func take() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            guard code != 0 else { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                reasons.append("error \(code)")
            }
        }
        return reasons.isEmpty ? "unknown error" : reasons.joined(separator: "; ")
    }
}
#endif
