import Testing

/// Every fault suite is nested here, so they run one after another: each
/// pushes a child server and the test thread hard, and on a loaded 2-core
/// machine two at once would measure each other rather than the fault.
/// Other test targets still run alongside.
@Suite("Faults", .serialized)
enum Faults {}
