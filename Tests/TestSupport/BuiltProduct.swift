import Glibc

/// Finds the executable products SwiftPM builds next to the test bundle: a
/// test target that depends on an executable target gets it built in the
/// same folder as the bundle (`.build/<triple>/debug`), whatever the build
/// directory or configuration.
///
///     let server = try ChildProcess(path: try BuiltProduct.path("echo-server"), arguments: ["--port", "0"])
public enum BuiltProduct {
    /// The folder of the running test bundle, where the products are.
    public static func directory() throws(BuiltProductNotFound) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw BuiltProductNotFound(name: nil, path: "/proc/self/exe", errno: errno) }
        let bundle = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = bundle.lastIndex(of: "/") else { throw BuiltProductNotFound(name: nil, path: bundle, errno: ENOENT) }
        return String(bundle[..<slash])
    }

    /// The path of the executable product `name`.
    /// - Throws: ``BuiltProductNotFound`` naming the path looked at when no
    ///   executable is there.
    public static func path(_ name: String) throws(BuiltProductNotFound) -> String {
        let path = try directory() + "/" + name
        guard access(path, X_OK) == 0 else { throw BuiltProductNotFound(name: name, path: path, errno: errno) }
        return path
    }
}
