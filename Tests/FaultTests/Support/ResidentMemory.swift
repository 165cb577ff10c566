/// The resident memory of a process, from `/proc/PID/status`.
struct ResidentMemory {
    /// `VmRSS`: resident now, in bytes.
    var current: Int
    /// `VmHWM`: the most ever resident, in bytes.
    var peak: Int
}
