import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbObjectStores

/// The S3 store against moto over `https://`, with a certificate for 127.0.0.1 signed by a CA the
/// test makes: Plumb's own socket with OpenSSL's TLS, certificates and host names checked.
final class S3TLSTests: XCTestCase {
  func testAGoodCAUploadsStreamsListsAndDeletesOverHTTPS() throws {
    let moto = try MotoServer(for: self, tls: true)
    XCTAssertEqual(moto.endpoint.scheme, "https")
    let store = moto.store()
    try store.createBucket("secure")
    // 9 MiB: a multipart upload (parts of 8 MiB) through TLS.
    let large = Data((0..<(9 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try store.write(bucket: "secure", key: "dir/large.bin") { $0.write(large) }
    try store.write(bucket: "secure", key: "dir/small.txt") { $0.write("small") }

    var pieces = 0
    var received = Data()
    try store.read(bucket: "secure", key: "dir/large.bin") { piece in
      pieces += 1
      received.append(piece)
    }
    XCTAssertEqual(received, large)
    XCTAssertGreaterThan(pieces, 10, "the body streams in pieces rather than arriving whole")
    XCTAssertEqual(try store.read(bucket: "secure", key: "dir/small.txt"), Data("small".utf8))
    XCTAssertTrue(try store.exists(bucket: "secure", key: "dir"), "the listing goes over TLS too")

    try store.remove(bucket: "secure", key: "dir/small.txt")
    XCTAssertFalse(try store.exists(bucket: "secure", key: "dir/small.txt"))
  }

  func testAWrongCAAndAWrongHostNameAreRefusedInOneLineAndNotRetried() throws {
    let moto = try MotoServer(for: self, tls: true)
    let certificates = try XCTUnwrap(moto.certificates)
    try moto.store().createBucket("secure")

    var untrusted = moto.store()
    untrusted.caBundle = certificates.unrelatedAuthority
    let started = Date()
    XCTAssertEqual(
      thrownMessage { try untrusted.exists(bucket: "secure", key: "k") },
      "S3 HEAD secure/k at https://127.0.0.1:\(moto.port) failed: TLS: the server's certificate is not trusted: "
        + "unable to get local issuer certificate")
    XCTAssertLessThan(Date().timeIntervalSince(started), 1, "a refused certificate is not tried again")

    var system = moto.store()
    system.caBundle = nil
    XCTAssertEqual(
      thrownMessage { try system.read(bucket: "secure", key: "k") },
      "S3 GET secure/k at https://127.0.0.1:\(moto.port) failed: TLS: the server's certificate is not trusted: "
        + "unable to get local issuer certificate", "the system's authorities do not know the test's CA")

    // localhost is the same server, but the certificate names only 127.0.0.1.
    var otherName = S3ObjectStore(
      endpoint: URL(string: "https://localhost:\(moto.port)")!, credentials: moto.credentials)
    otherName.caBundle = certificates.authority
    XCTAssertEqual(
      thrownMessage { try otherName.exists(bucket: "secure", key: "k") },
      "S3 HEAD secure/k at https://localhost:\(moto.port) failed: TLS: the server's certificate is not for host "
        + "localhost")

    // boto3's verify=False: encrypted, unchecked.
    var unchecked = otherName
    unchecked.caBundle = certificates.unrelatedAuthority
    unchecked.verifiesCertificates = false
    XCTAssertFalse(try unchecked.exists(bucket: "secure", key: "k"))
  }

  func testTheCABundleComesFromTheConfigFileOrAWSCABundleAndARefusalFailsTheRunAsOtherStoreFailures() throws {
    let moto = try MotoServer(for: self, tls: true)
    let certificates = try XCTUnwrap(moto.certificates)
    try moto.store().createBucket("models")

    let fromEnvironment = try ObjectStoreSettings.s3Store(
      from: Configuration(text: "[object_store]\nbackend = s3\n"),
      environment: [
        "AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S",
        "AWS_CA_BUNDLE": certificates.authority,
      ])
    XCTAssertEqual(fromEnvironment.caBundle, certificates.authority)
    XCTAssertFalse(try fromEnvironment.exists(bucket: "models", key: "none"))

    func run(_ configuration: String) throws -> (code: Int32, errors: [String]) {
      let folder = try TemporaryFolder(removedAfter: self)
      try folder.write(configuration, to: "plumb.cfg")
      var errors: [String] = []
      let code = PipelineCommand(name: "upload", tasks: [UploadModel.self]).run(
        arguments: ["UploadModel", "--no-lock"], workingDirectory: folder.path, standardOutput: { _ in },
        standardError: { errors.append($0) })
      return (code, errors)
    }
    let good = try run(moto.configuration)
    XCTAssertEqual(good.code, 0, "\(good.errors)")
    XCTAssertEqual(try moto.store().read(bucket: "models", key: "iris/model.json"), Data("x".utf8))

    let wrongCA = try run(
      moto.configuration.replacingOccurrences(of: certificates.authority, with: certificates.unrelatedAuthority))
    let refusedPort = try LoopbackPort.unused()
    let refused = try run(
      moto.configuration.replacingOccurrences(of: ":\(moto.port)", with: ":\(refusedPort)")
        + "max_attempts = 1\n")
    XCTAssertNotEqual(wrongCA.code, 0)
    XCTAssertEqual(wrongCA.code, refused.code, "a refused certificate ends the run as other store failures do")
    let line = "TLS: the server's certificate is not trusted: unable to get local issuer certificate"
    XCTAssertTrue(wrongCA.errors.joined().contains(line), "\(wrongCA.errors)")
  }
}

private struct UploadModel: PipelineTask {
  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "models", key: "iris/model.json") }
  func run() throws { try output().write("x") }
}
