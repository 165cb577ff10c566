import ExampleSupport

/// The server did not finish its response in time.
struct TimeoutError: Error, CustomStringConvertible {
    let timeout: Duration

    var description: String { "no complete response within \(DurationFormat.text(timeout))" }
}
