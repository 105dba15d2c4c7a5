import Foundation
import Plumb
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A real S3-compatible server for one test: moto_server (moto 5.2.5) on 127.0.0.1 on a free port,
/// with its state in memory, stopped by its pid when the test ends.
///
/// ```swift
/// let moto = try MotoServer(for: self)
/// let store = moto.store()
/// try store.createBucket("models")
/// ```
///
/// By default moto accepts any signature. `MotoServer(for: self, verifyingSignatures: true)`
/// checks every request's SigV4 signature against an IAM key it creates for the test
/// (``credentials``), as AWS does: a wrong secret gets 403 `SignatureDoesNotMatch`.
///
/// `MotoServer(for: self, tls: true)` serves `https://` with a certificate for 127.0.0.1 signed by
/// a CA of the test's (``certificates``); ``store(credentials:)`` trusts that CA (`caBundle`).
///
/// moto_server comes from the venv `make s3-venv` installs (`make test` does) in `.build-s3/venv`,
/// or from the venv named by `PLUMB_S3_VENV`. Without it the test fails, saying how to install it.
public final class MotoServer: @unchecked Sendable {
  /// The port moto listens on.
  public let port: Int
  /// The address moto listens on: `127.0.0.1`, or `::1` for a test of IPv6 endpoints.
  public let host: String
  /// Credentials the server accepts; with signatures verified, a real IAM key of the server's.
  public private(set) var credentials = S3Credentials(accessKey: "AKIAPLUMBTESTKEY0000", secretKey: "plumb-test-secret")
  /// With TLS, the CA and the server's certificate.
  public let certificates: TestCertificates?
  private let process: Process
  private let folder: TemporaryFolder

  /// The venv holding moto.
  public static var venv: String { PackageVenv.path(".build-s3/venv", override: "PLUMB_S3_VENV") }

  /// Starts moto_server for `test` and waits until it answers; it is stopped when the test ends.
  ///
  /// - Throws: when moto is not installed (saying how to install it), or does not start.
  public init(
    for test: XCTestCase, verifyingSignatures: Bool = false, host: String = "127.0.0.1", tls: Bool = false
  ) throws {
    self.host = host
    let server = Self.venv + "/bin/moto_server"
    guard FileManager.default.isExecutableFile(atPath: server) else {
      throw SetupCommand.Failure(
        description: "moto_server is not installed at \(server): run `make s3-venv` in the package folder "
          + "(make test does it) to install moto[server]==5.2.5 into .build-s3/venv, or set PLUMB_S3_VENV to a venv that has it"
      )
    }
    folder = try TemporaryFolder(removedAfter: test)
    port = try LoopbackPort.unused()
    process = Process()
    process.executableURL = URL(fileURLWithPath: server)
    certificates = tls ? try TestCertificates(in: folder.path) : nil
    process.arguments =
      ["-H", host, "-p", String(port)]
      + (certificates.map { ["-c", $0.serverCertificate, "-k", $0.serverKey] } ?? [])
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment
    // moto must not pick up credentials or settings of the machine it runs on.
    for name in environment.keys where name.hasPrefix("AWS_") || name.hasPrefix("MOTO_") { environment[name] = nil }
    if verifyingSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "0" }
    process.environment = environment
    try folder.write("", to: "moto.out")
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: "moto.out")))
    process.standardOutput = output
    process.standardError = output
    ServerLeftovers.stopAbandoned()
    try process.run()
    ServerLeftovers.remember(process)
    test.addTeardownBlock { [self] in stop() }
    try waitUntilReady()
    if verifyingSignatures { credentials = try makeKey() }
  }

  /// `http://127.0.0.1:<port>`, `http://[::1]:<port>`, or with TLS `https://127.0.0.1:<port>`.
  public var endpoint: URL { URL(string: (certificates == nil ? "http" : "https") + "://\(authority)")! }

  /// `127.0.0.1:<port>`, or `[::1]:<port>`.
  private var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

  /// A store on this server with ``credentials`` (or `credentials`), in us-east-1, trusting the
  /// test's CA with TLS.
  public func store(credentials: S3Credentials? = nil) -> S3ObjectStore {
    var store = S3ObjectStore(endpoint: endpoint, region: "us-east-1", credentials: credentials ?? self.credentials)
    store.caBundle = certificates?.authority
    return store
  }

  /// The `[object_store]` section that points Plumb at this server.
  public var configuration: String {
    """
    [object_store]
    backend = s3
    endpoint = \(endpoint.absoluteString)
    access_key_id = \(credentials.accessKey)
    secret_access_key = \(credentials.secretKey)
    \(certificates.map { "ca_bundle = \($0.authority)" } ?? "")

    """
  }

  /// Creates an IAM user allowed `s3:*` and returns its new access key, through boto3 (which moto
  /// brings) in a window of three unchecked actions.
  private func makeKey() throws -> S3Credentials {
    let script = """
      import json, sys, urllib.request, boto3
      hp = sys.argv[1]
      urllib.request.urlopen(urllib.request.Request(f"http://{hp}/moto-api/reset-auth", data=b"3", method="POST",
          headers={"Content-Type": "text/plain"})).read()
      iam = boto3.client("iam", endpoint_url=f"http://{hp}", region_name="us-east-1",
          aws_access_key_id="x", aws_secret_access_key="x")
      iam.create_user(UserName="plumb")
      iam.put_user_policy(UserName="plumb", PolicyName="s3all", PolicyDocument=json.dumps(
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
      k = iam.create_access_key(UserName="plumb")["AccessKey"]
      print(k["AccessKeyId"], k["SecretAccessKey"])
      """
    let (status, output) = try SetupCommand.run(Self.venv + "/bin/python", ["-c", script, authority])
    let words = output.split(whereSeparator: \.isWhitespace)
    guard status == 0, words.count == 2 else {
      throw SetupCommand.Failure(description: "could not create an IAM key on moto: \(output)")
    }
    return S3Credentials(accessKey: String(words[0]), secretKey: String(words[1]))
  }

  /// Polls moto's dashboard until it answers (about a second), or fails after a minute.
  private func waitUntilReady() throws {
    let deadline = Date().addingTimeInterval(60)
    while true {
      guard process.isRunning else {
        throw SetupCommand.Failure(
          description: "moto_server exited with \(process.terminationStatus): \(folder.contents(of: "moto.out") ?? "")")
      }
      if answers() { return }
      guard Date() < deadline else {
        throw SetupCommand.Failure(description: "moto_server did not answer within a minute")
      }
      usleep(50_000)
    }
  }

  /// Whether moto answers: its dashboard over HTTP, any S3 answer over TLS (`download` trusts only
  /// the system's authorities).
  private func answers() -> Bool {
    guard certificates != nil else {
      return (try? download(endpoint.appendingPathComponent("moto-api/"), timeout: 1)) != nil
    }
    var probe = store()
    probe.maximumAttempts = 1
    probe.timeout = 1
    do {
      _ = try probe.exists(bucket: "plumb-ready", key: "probe")
      return true
    } catch let error as S3Error {
      return error.status != nil
    } catch {
      return false
    }
  }

  /// Stops moto: SIGTERM, then SIGKILL if it has not ended within 10 s; returns once it has.
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    ServerLeftovers.forget(process.processIdentifier)
  }
}
