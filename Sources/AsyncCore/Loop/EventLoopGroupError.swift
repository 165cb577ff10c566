/// Why an ``EventLoopGroup`` could not start or serve.
///
/// ```swift
/// do {
///     _ = try EventLoopGroup(loops: 0)
/// } catch let error as EventLoopGroupError {
///     print(error)    // an event loop group needs at least one loop, not 0
/// }
/// ```
public enum EventLoopGroupError: Error, Equatable, CustomStringConvertible {
    /// The loop count asked for was below 1.
    case noLoops(Int)
    /// `serve` was given no server to hand connections to.
    case noServers

    public var description: String {
        switch self {
        case .noLoops(let count): "an event loop group needs at least one loop, not \(count)"
        case .noServers: "an event loop group cannot serve an address without a server to hand connections to"
        }
    }
}
