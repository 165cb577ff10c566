import AsyncCore
import Echo

/// The command line of the fault probe.
///
///     fault-probe echo [--mode line|raw] [--nofile N|max] [--signals]
///     fault-probe smtp [--size N]
struct ProbeSettings {
    enum Server {
        case echo(EchoMode)
        case smtp
    }

    enum DescriptorLimit {
        case unchanged
        case hard
        case soft(Int)
    }

    var server = Server.echo(.line)
    var descriptorLimit = DescriptorLimit.unchanged
    var countsSignals = false
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
            guard let value = rest.popFirst() else { throw ProbeUsageError("\(flag) needs a value") }
            switch flag {
            case "--mode":
                guard case .echo = server, let mode = EchoMode(rawValue: value) else { throw ProbeUsageError("bad --mode \(value)") }
                server = .echo(mode)
            case "--nofile":
                if value == "max" {
                    descriptorLimit = .hard
                } else if let count = Int(value), count > 0 {
                    descriptorLimit = .soft(count)
                } else {
                    throw ProbeUsageError("bad --nofile \(value)")
                }
            case "--size":
                guard let size = Int(value), size >= 0 else { throw ProbeUsageError("bad --size \(value)") }
                maxMessageSize = size == 0 ? nil : size
            default:
                throw ProbeUsageError("unknown option \(flag)")
            }
        }
    }
}
