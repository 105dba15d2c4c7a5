import Foundation
import PlumbCore
import PlumbNetwork
import Synchronization

/// An ``ObjectStore`` on an S3-compatible server (AWS S3, MinIO, Ceph, moto), spoken to over its
/// REST API with path-style URLs (`<endpoint>/<bucket>/<key>`) and AWS Signature Version 4.
///
/// Chosen in the config file; the key and secret may also come from the usual `AWS_*` variables:
///
/// ```ini
/// [object_store]
/// backend = s3
/// endpoint = http://127.0.0.1:5000
/// region = us-east-1
/// access_key_id = AKIA…        ; else AWS_ACCESS_KEY_ID
/// secret_access_key = …        ; else AWS_SECRET_ACCESS_KEY
/// ca_bundle = team-ca.pem      ; else AWS_CA_BUNDLE: the authorities of an https:// endpoint
/// ```
///
/// or in code:
///
/// ```swift
/// let store = S3ObjectStore(
///   endpoint: URL(string: "http://127.0.0.1:5000")!, region: "us-east-1",
///   credentials: S3Credentials(accessKey: "AKIA…", secretKey: secret))
/// ObjectStoreTarget(bucket: "models", key: "iris.json", store: store)
/// ```
///
/// It keeps the folder store's promises: a write goes into a finished temporary file first and up
/// in one `PUT`, or in parts of 8 MiB for a larger file (never more than a part in memory), which
/// S3 stores whole or not at all, so a failed write leaves no object; ``exists(bucket:key:)``
/// answers as Luigi's `S3Target.exists()` does and throws when the server cannot be reached or
/// refuses the credentials, rather than answering "missing".
public struct S3ObjectStore: ObjectStore, Sendable {
  /// The server, such as `http://127.0.0.1:5000` or `https://s3.eu-west-1.amazonaws.com`.
  public let endpoint: URL
  /// The region requests are signed for, such as `us-east-1`.
  public let region: String
  /// Seconds the server may stay silent while connecting or between bytes.
  public var timeout: TimeInterval = 30
  /// Seconds one request may take in all, a large upload included.
  public var deadline: TimeInterval = 600
  /// How many times a request is tried when the server cannot be reached, answers 500, 502, 503 or
  /// 504, or asks to slow down (`SlowDown` and S3's other throttling codes): as botocore's standard
  /// retry mode, 3 by default, with a random wait of up to 1, 2, 4... seconds (at most 20) between
  /// tries. Other answers (4xx) are final at once.
  ///
  /// ```swift
  /// var store = S3ObjectStore(endpoint: endpoint, credentials: credentials)
  /// store.maximumAttempts = 5
  /// ```
  public var maximumAttempts = 3
  /// The certificate authorities (a PEM file) an `https://` endpoint's certificate must chain to,
  /// as botocore's `ca_bundle` (`[object_store] ca_bundle`, `AWS_CA_BUNDLE`); `nil` for the
  /// system's (or `SSL_CERT_FILE`'s). The certificate must also name the endpoint's host.
  ///
  /// ```swift
  /// var store = S3ObjectStore(endpoint: URL(string: "https://s3.internal:9000")!, credentials: credentials)
  /// store.caBundle = "/etc/ssl/team-ca.pem"
  /// ```
  public var caBundle: String?
  /// Whether an `https://` endpoint's certificate is checked: boto3's `verify=False` (the AWS
  /// CLI's `--no-verify-ssl`) is `false` here. Only in code, as in boto3, whose config file has no
  /// such key: the traffic is encrypted, but anyone in between can pose as the server.
  ///
  /// ```swift
  /// store.verifiesCertificates = false   // a throw-away test server only
  /// ```
  public var verifiesCertificates = true
  /// The longest wait before the first retry, doubled for each later one; botocore's 1 second.
  var retryBase: TimeInterval = 1
  let signer: S3Signer

  /// A store on the server at `endpoint` (its path is ignored), signing for `region`.
  public init(endpoint: URL, region: String = "us-east-1", credentials: S3Credentials) {
    self.endpoint = endpoint
    self.region = region
    signer = S3Signer(credentials: credentials, region: region)
  }

  /// `S3 store http://127.0.0.1:5000 (us-east-1)`, for messages; never the secret.
  public var description: String { "S3 store \(endpointAddress) (\(region))" }

  /// Whom an `https://` endpoint's certificate must chain to.
  var authorities: TLSOptions.Authorities {
    guard verifiesCertificates else { return .unchecked }
    return caBundle.map { .file($0) } ?? .system
  }

  /// `scheme://host[:port]`, the start of every request's URL.
  var endpointAddress: String {
    let scheme = endpoint.scheme?.lowercased() ?? "http"
    return "\(scheme)://\(hostHeader)"
  }

  /// The `Host` header as the HTTP client sends it: the port only when it is not the scheme's own,
  /// an IPv6 address in brackets.
  var hostHeader: String {
    let name = endpoint.host ?? ""
    let host = name.contains(":") ? "[\(name)]" : name
    guard let port = endpoint.port else { return host }
    let usual = endpoint.scheme?.lowercased() == "https" ? 443 : 80
    return port == usual ? host : "\(host):\(port)"
  }

  // MARK: - ObjectStore

  /// Whether `key` is an object or, as Luigi's `S3Target.exists()` has it, a folder: a `HEAD` of
  /// the key, then of the folder markers `key_$folder$` and `key/`, then a listing of one key under
  /// `key/`.
  ///
  /// - Throws: ``S3Error`` when the server cannot be reached, refuses the credentials, or the bucket
  ///   does not exist.
  public func exists(bucket: String, key: String) throws -> Bool {
    try Self.check(bucket: bucket, key: key)
    for candidate in [key, key + "_$folder$", key.hasSuffix("/") ? nil : key + "/"].compactMap({ $0 }) {
      let request = S3Request(store: self, method: "HEAD", bucket: bucket, key: candidate)
      let answer = try request.send()
      switch answer.status {
      case 200..<300: return true
      case 404: continue
      default: throw request.failure(answer)
      }
    }
    let prefix = key.hasSuffix("/") ? key : key + "/"
    let listing = S3Request(
      store: self, method: "GET", bucket: bucket, query: ["list-type": "2", "prefix": prefix, "max-keys": "1"])
    let answer = try listing.send()
    guard (200..<300).contains(answer.status) else { throw listing.failure(answer) }
    return String(decoding: answer.body, as: UTF8.self).contains("<Key>")
  }

  /// The object's bytes.
  ///
  /// - Throws: ``S3Error``, with `NoSuchKey` for a missing object.
  public func read(bucket: String, key: String) throws -> Data {
    try Self.check(bucket: bucket, key: key)
    let request = S3Request(store: self, method: "GET", bucket: bucket, key: key)
    let answer = try request.send()
    guard (200..<300).contains(answer.status) else { throw request.failure(answer) }
    return answer.body
  }

  /// Hands the object's bytes to `receive` as they arrive, never the whole object in memory. Not
  /// tried again once a piece was handed over.
  ///
  /// - Throws: ``S3Error``, with `NoSuchKey` for a missing object, or what `receive` throws.
  public func read(bucket: String, key: String, into receive: (Data) throws -> Void) throws {
    try Self.check(bucket: bucket, key: key)
    try withoutActuallyEscaping(receive) { receive in
      let sink = S3Request.BodySink(receive)
      defer { sink.close() }
      var request = S3Request(store: self, method: "GET", bucket: bucket, key: key)
      request.sink = sink
      let answer = try request.send()
      guard (200..<300).contains(answer.status) else { throw request.failure(answer) }
      if let failure = sink.failure { throw failure }
    }
  }

  /// Lets `body` write a temporary file, then sends the finished file (one `PUT`, or
  /// a multipart upload of parts of 8 MiB): if `body` or the upload fails, no object is stored
  /// (and an earlier one stays).
  public func write(bucket: String, key: String, _ body: (OutputFile) throws -> Void) throws {
    try Self.check(bucket: bucket, key: key)
    let folder = FileManager.default.temporaryDirectory.path
    Self.removeFilesOfEndedProcesses(in: folder)
    let temporary = "\(folder)/plumb-s3-\(getpid())-\(UUID().uuidString)"
    try OutputFile.write(to: temporary, body)
    // Remembered, so that a run stopped by a signal removes it as it exits.
    guard let ticket = TemporaryFiles.remember(temporary) else {
      unlink(temporary)
      throw CancellationError()
    }
    defer {
      unlink(temporary)
      TemporaryFiles.forget(ticket)
    }
    let size = try FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int ?? 0
    try S3Upload(store: self, bucket: bucket, key: key).send(file: temporary, size: size)
  }

  /// Deletes the object; S3 answers a missing object as deleted too.
  public func remove(bucket: String, key: String) throws {
    try Self.check(bucket: bucket, key: key)
    let request = S3Request(store: self, method: "DELETE", bucket: bucket, key: key)
    let answer = try request.send()
    guard (200..<300).contains(answer.status) else { throw request.failure(answer) }
  }

  /// Creates `bucket` unless this account already has it; in another region than `us-east-1`,
  /// with that region as its location.
  ///
  /// ```swift
  /// try store.createBucket("models")
  /// ```
  public func createBucket(_ bucket: String) throws {
    try FolderObjectStore.check(bucket: bucket)
    let body =
      region == "us-east-1"
      ? S3Request.Body.none
      : .data(
        Data(
          "<CreateBucketConfiguration><LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>"
            .utf8))
    let request = S3Request(store: self, method: "PUT", bucket: bucket, body: body)
    let answer = try request.send()
    guard (200..<300).contains(answer.status) || answer.error?.code == "BucketAlreadyOwnedByYou" else {
      throw request.failure(answer)
    }
  }

  /// The folders whose leftovers this process has removed: once per folder is enough, since later
  /// leftovers are of processes that end later.
  private static let cleanedFolders = Mutex<Set<String>>([])

  /// Removes the upload files (`plumb-s3-<pid>-…`) of processes that no longer run: a process
  /// killed outright (SIGKILL, a crash) cannot remove its own.
  static func removeFilesOfEndedProcesses(in folder: String) {
    guard cleanedFolders.withLock({ $0.insert(folder).inserted }) else { return }
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("plumb-s3-") {
      guard let pid = Int32(name.dropFirst("plumb-s3-".count).prefix { $0 != "-" }), pid != getpid() else { continue }
      // ESRCH: no such process. A process of another user answers EPERM and keeps its files.
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + name) }
    }
  }

  /// S3's rules: a bucket name as the folder store checks it, a key of 1 to 1024 bytes.
  private static func check(bucket: String, key: String) throws {
    try FolderObjectStore.check(bucket: bucket)
    guard !key.isEmpty, key.utf8.count <= 1024 else {
      throw ObjectStoreError.invalidKey(key, reason: "an S3 key has 1 to 1024 bytes")
    }
  }
}

extension ObjectStore where Self == S3ObjectStore {
  /// A store on the S3-compatible server at `endpoint`.
  ///
  /// ```swift
  /// ObjectStoreTarget(bucket: "models", key: "iris.json", store: .s3(endpoint, credentials: credentials))
  /// ```
  public static func s3(_ endpoint: URL, region: String = "us-east-1", credentials: S3Credentials) -> S3ObjectStore {
    S3ObjectStore(endpoint: endpoint, region: region, credentials: credentials)
  }
}
