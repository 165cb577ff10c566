/// A command line the probe does not understand.
struct ProbeUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
