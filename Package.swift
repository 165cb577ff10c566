// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        // A child process for AcceptExhaustionTests; a dependency of the test
        // target only so that it is built next to the test bundle.
        .executableTarget(name: "emfile-probe", dependencies: ["AsyncCore"], path: "Tests/Probes/emfile-probe"),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore", "emfile-probe"]),
    ]
)
