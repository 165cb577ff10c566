// swift-tools-version:6.0
// The benchmark tools: a load generator, baseline servers, and the run script
// (run.sh) that measures the root package's echo-server against them. Kept
// apart from the root package so that its `swift test` never builds these,
// and so the root package stays free of dependencies.
import PackageDescription

let package = Package(
    name: "SwiftAsyncoreBenchmarks",
    targets: [
        .executableTarget(name: "loadgen", path: "Sources/loadgen"),
        .executableTarget(name: "c-echo-server", path: "Sources/c-echo-server"),
    ]
)
