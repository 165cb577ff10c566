// swift-tools-version:6.0
// The benchmark tools: a load generator, baseline servers, and the run script
// (run.sh) that measures the root package's echo-server against them. Kept
// apart from the root package so that its `swift test` never builds these,
// and so the root package stays free of dependencies.
import PackageDescription

let package = Package(
    name: "SwiftAsyncoreBenchmarks",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
    ],
    targets: [
        .executableTarget(name: "loadgen", path: "Sources/loadgen"),
        .executableTarget(name: "c-echo-server", path: "Sources/c-echo-server"),
        // The TLS benchmarks (tls/run.sh): a load generator and a C server on
        // the system's OpenSSL 3, and SwiftNIO with swift-nio-ssl.
        .executableTarget(
            name: "tls-loadgen", path: "Sources/tls-loadgen",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "c-tls-echo-server", path: "Sources/c-tls-echo-server",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "nio-tls-echo-server",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/nio-tls-echo-server"
        ),
        .executableTarget(
            name: "nio-echo-server",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/nio-echo-server"
        ),
    ]
)
