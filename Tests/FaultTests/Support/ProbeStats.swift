/// What a probe's `stats` command reports: the state of its loop, read on
/// the loop's own thread.
struct ProbeStats: CustomStringConvertible {
    /// Open dispatchers: the listener, the control channel and the clients.
    var dispatchers = 0
    /// Clients whose reading is held back because their output is full.
    var held = 0
    /// Bytes queued for clients, not yet sent.
    var queued = 0
    /// Messages the SMTP probe accepted.
    var delivered = 0
    /// Calls of the SIGUSR1 callback.
    var signals = 0

    init(line: String) {
        for field in line.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=")
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            switch parts[0] {
            case "dispatchers": dispatchers = value
            case "held": held = value
            case "queued": queued = value
            case "delivered": delivered = value
            case "signals": signals = value
            default: break
            }
        }
    }

    var description: String {
        "dispatchers=\(dispatchers) held=\(held) queued=\(queued) delivered=\(delivered) signals=\(signals)"
    }
}
