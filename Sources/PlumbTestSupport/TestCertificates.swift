import Foundation

/// Certificates for the TLS tests, made with the `openssl` command in a folder of the test's: a
/// CA, a server certificate for the address 127.0.0.1 (and no host name) signed by it, a client
/// certificate signed by it, an unrelated CA, and two revocation lists of the CA's, one empty and
/// one that revokes the server's certificate. EC keys: quick to make.
///
/// ```swift
/// let certificates = try TestCertificates(in: folder.path, clientName: "certified")
/// let store = S3ObjectStore(...); store.caBundle = certificates.authority
/// ```
public struct TestCertificates: Sendable {
  /// The folder holding every file.
  public let folder: String
  /// The CA (PEM) that signed the server's and the client's certificates.
  public var authority: String { folder + "/ca.crt" }
  /// A CA that signed neither.
  public var unrelatedAuthority: String { folder + "/unrelated-ca.crt" }
  /// The server's certificate and key, for `IP:127.0.0.1`.
  public var serverCertificate: String { folder + "/server.crt" }
  public var serverKey: String { folder + "/server.key" }
  /// The client's certificate (its CN is the `clientName` it was made with) and key (mode 0600).
  public var clientCertificate: String { folder + "/client.crt" }
  public var clientKey: String { folder + "/client.key" }
  /// The CA's revocation list before anything was revoked.
  public var emptyRevocationList: String { folder + "/empty.crl" }
  /// The CA's revocation list that revokes the server's certificate.
  public var serverRevokedList: String { folder + "/server-revoked.crl" }

  /// Makes the files in `folder`, which must exist; the client certificate's CN is `clientName`.
  public init(in folder: String, clientName: String = "plumb") throws {
    self.folder = folder
    let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for name in ["ca", "unrelated-ca"] {
      try Self.openssl(
        ["req", "-x509"] + key + [
          "-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).crt", "-days", "2", "-subj",
          "/CN=Plumb test \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }
    try "subjectAltName = IP:127.0.0.1\n".write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
    try "extendedKeyUsage = clientAuth\n".write(toFile: folder + "/client.ext", atomically: true, encoding: .utf8)
    for (name, subject) in [("server", "127.0.0.1"), ("client", clientName)] {
      try Self.openssl(
        ["req"] + key + [
          "-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).csr", "-subj", "/CN=\(subject)",
        ])
      try Self.openssl([
        "x509", "-req", "-in", "\(folder)/\(name).csr", "-CA", "\(folder)/ca.crt", "-CAkey", "\(folder)/ca.key",
        "-CAcreateserial", "-out", "\(folder)/\(name).crt", "-days", "2", "-extfile", "\(folder)/\(name).ext",
      ])
      // PostgreSQL and libpq refuse a key that others can read.
      chmod("\(folder)/\(name).key", 0o600)
    }
    // `openssl ca` keeps the revocations in a small database of its own.
    let configuration = """
      [ca]
      default_ca = test
      [test]
      database = \(folder)/ca-index.txt
      crlnumber = \(folder)/ca-crlnumber
      certificate = \(folder)/ca.crt
      private_key = \(folder)/ca.key
      default_md = sha256
      default_crl_days = 2

      """
    try configuration.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
    try "".write(toFile: folder + "/ca-index.txt", atomically: true, encoding: .utf8)
    try "01\n".write(toFile: folder + "/ca-crlnumber", atomically: true, encoding: .utf8)
    try Self.openssl(["ca", "-config", "\(folder)/ca.cnf", "-gencrl", "-out", emptyRevocationList])
    try Self.openssl(["ca", "-config", "\(folder)/ca.cnf", "-revoke", serverCertificate])
    try Self.openssl(["ca", "-config", "\(folder)/ca.cnf", "-gencrl", "-out", serverRevokedList])
  }

  private static func openssl(_ arguments: [String]) throws {
    let (status, output) = try SetupCommand.run("/usr/bin/openssl", arguments)
    guard status == 0 else {
      throw SetupCommand.Failure(description: "openssl \(arguments.first ?? "") failed: \(output)")
    }
  }
}
