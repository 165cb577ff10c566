/// The committed test certificates (Certificates/make.sh), issued by a
/// throwaway test authority.
public enum TestCertificates {
    /// The Certificates folder beside this file.
    public static let folder: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return parts.joined(separator: "/") + "/Certificates"
    }()

    /// The test authority: clients that trust it accept the others.
    public static var authority: String { folder + "/ca.pem" }
    /// localhost, 127.0.0.1 and ::1.
    public static var server: (chain: String, key: String) { (folder + "/server.pem", folder + "/server.key") }
    /// other.example only.
    public static var otherHost: (chain: String, key: String) { (folder + "/other-host.pem", folder + "/other-host.key") }
    /// localhost, expired in 2020.
    public static var expired: (chain: String, key: String) { (folder + "/expired.pem", folder + "/expired.key") }
}
