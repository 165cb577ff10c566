import AsyncCore

/// A fetch that failed, with the URL and the address it was fetched from.
struct FetchError: Error, CustomStringConvertible {
    let url: HTTPURL
    let address: SocketAddress
    let reason: any Error

    var description: String { "\(url) (\(address)): \(reason)" }
}
