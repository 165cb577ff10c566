import Glibc

/// The path of an executable SwiftPM built next to the test bundle.
func builtExecutable(_ name: String) -> String {
    var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &path, path.count - 1)
    guard length > 0 else { return name }
    let bundle = String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = bundle.lastIndex(of: "/") else { return name }
    return String(bundle[..<slash]) + "/" + name
}
