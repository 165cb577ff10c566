import AsyncCore
import Echo

/// The command line of the fault probe.
///
///     fault-probe echo [--mode line|raw] [--nofile N|max] [--reserve-descriptors N]
///                      [--backend epoll|poll] [--signals] [--busy-neighbour]
///     fault-probe smtp [--size N]
struct ProbeSettings {
    enum Server {
        case echo(EchoMode)
        case smtp
    }

    enum DescriptorLimit {
        case hard
        case soft(Int)
    }

    var server = Server.echo(.line)
    /// Changes to the soft descriptor limit, made in order (`--nofile 64
    /// --nofile max` lowers it, then raises it again).
    var descriptorLimits: [DescriptorLimit] = []
    var countsSignals = false
    /// Whether a second loop runs beside the server's, waking every millisecond.
    var hasBusyNeighbour = false
    var backend = PollerBackend.epoll
    /// Slots to make in the descriptor table at start-up, if any.
    var reservedDescriptors: Int?
    var maxMessageSize: Int? = 33_554_432

    init(_ arguments: [String]) throws(ProbeUsageError) {
        var rest = arguments[...]
        switch rest.popFirst() {
        case "echo": server = .echo(.line)
        case "smtp": server = .smtp
        case let other: throw ProbeUsageError("unknown server \(other ?? "(none)")")
        }
        while let flag = rest.popFirst() {
            if flag == "--signals" {
                countsSignals = true
                continue
            }
            if flag == "--busy-neighbour" {
                hasBusyNeighbour = true
                continue
            }
            guard let value = rest.popFirst() else { throw ProbeUsageError("\(flag) needs a value") }
            switch flag {
            case "--mode":
                guard case .echo = server, let mode = EchoMode(rawValue: value) else { throw ProbeUsageError("bad --mode \(value)") }
                server = .echo(mode)
            case "--nofile":
                if value == "max" {
                    descriptorLimits.append(.hard)
                } else if let count = Int(value), count > 0 {
                    descriptorLimits.append(.soft(count))
                } else {
                    throw ProbeUsageError("bad --nofile \(value)")
                }
            case "--reserve-descriptors":
                guard let count = Int(value), count > 0 else { throw ProbeUsageError("bad --reserve-descriptors \(value)") }
                reservedDescriptors = count
            case "--backend":
                guard let chosen = PollerBackend(rawValue: value) else { throw ProbeUsageError("bad --backend \(value)") }
                backend = chosen
            case "--size":
                guard let size = Int(value), size >= 0 else { throw ProbeUsageError("bad --size \(value)") }
                maxMessageSize = size == 0 ? nil : size
            default:
                throw ProbeUsageError("unknown option \(flag)")
            }
        }
    }
}
