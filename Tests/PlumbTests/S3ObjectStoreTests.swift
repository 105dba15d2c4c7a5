import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbNetwork
@testable import PlumbObjectStores

/// The S3 backend against a real S3-compatible server, moto_server, started for each test.
final class S3ObjectStoreTests: XCTestCase {
  /// The temporary files uploads of this process go through are all removed.
  private func assertNoUploadFileIsLeft(file: StaticString = #filePath, line: UInt = #line) {
    let left = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))?.filter {
      $0.hasPrefix("plumb-s3-\(getpid())-")
    }
    XCTAssertEqual(left, [], "the temporary file of the upload is removed", file: file, line: line)
  }

  private struct WriteFailed: Error {}

  func testWriteExistsReadRemoveRoundTrip() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    try store.createBucket("models")
    try store.createBucket("models")  // a second time is not an error
    let target = ObjectStoreTarget(bucket: "models", key: "iris/model.json", store: store)
    XCTAssertFalse(try target.exists())
    try target.write("{\"k\": 3}\n")
    XCTAssertTrue(try target.exists())
    XCTAssertEqual(try target.read(), "{\"k\": 3}\n")
    try target.write(Data([0, 1, 2]))
    XCTAssertEqual(try target.readData(), Data([0, 1, 2]), "a second write replaces the object")
    try target.remove()
    XCTAssertFalse(try target.exists())
    try target.remove()  // removing a missing object is not an error
    XCTAssertEqual(target.description, "models/iris/model.json in S3 store \(moto.endpoint.absoluteString) (us-east-1)")
  }

  func testKeysWithSpacesPlusAndUnicodeRoundTrip() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    try store.createBucket("raw")
    for key in ["a b+c.txt", "dir/ünï~code=1&x.txt"] {
      try store.write(bucket: "raw", key: key) { $0.write(key) }
      XCTAssertTrue(try store.exists(bucket: "raw", key: key), key)
      XCTAssertEqual(String(decoding: try store.read(bucket: "raw", key: key), as: UTF8.self), key)
    }
  }

  /// Luigi's S3Target.exists(): the key, then the folder markers `key_$folder$` and `key/`, then
  /// any object under `key/`.
  func testExistsAnswersForFoldersAsLuigiDoes() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    try store.createBucket("data")
    try store.write(bucket: "data", key: "marked_$folder$") { _ in }
    try store.write(bucket: "data", key: "slashed/") { _ in }
    try store.write(bucket: "data", key: "listed/part-0") { $0.write("x") }
    for key in ["marked", "slashed", "listed", "listed/part-0"] {
      XCTAssertTrue(try store.exists(bucket: "data", key: key), key)
    }
    for key in ["list", "listed/part", "other"] {
      XCTAssertFalse(try store.exists(bucket: "data", key: key), key)
    }
  }

  func testAWriteThatThrowsStoresNothingAndKeepsTheEarlierObject() throws {
    let moto = try MotoServer(for: self)
    let target = ObjectStoreTarget(bucket: "models", key: "model.json", store: moto.store())
    try moto.store().createBucket("models")
    XCTAssertThrowsError(
      try target.write { file in
        file.write("half of it")
        throw WriteFailed()
      })
    XCTAssertFalse(try target.exists())
    try target.write("old")
    XCTAssertThrowsError(
      try target.write { file in
        file.write("new, but")
        throw WriteFailed()
      })
    XCTAssertEqual(try target.read(), "old")
  }

  /// A file over one part (8 MiB) goes up as a multipart upload, never more than a part in memory.
  func testALargeFileGoesUpInPartsArrivesWholeAndLeavesNoUploadBehind() throws {
    let moto = try MotoServer(for: self)
    let folder = try TemporaryFolder(removedAfter: self)
    try moto.store().createBucket("big")
    // 12 MB of a pattern that is not a period of any buffer size.
    var bytes = [UInt8](repeating: 0, count: 12_000_000)
    for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 7 &+ index >> 13) }
    let local = LocalTarget(folder.path(of: "big.bin"))
    try local.write(Data(bytes))
    let target = ObjectStoreTarget(bucket: "big", key: "big.bin", store: moto.store())
    try target.upload(local)
    let back = try target.readData()
    XCTAssertEqual(back.count, bytes.count)
    XCTAssertTrue(back == Data(bytes), "the object differs from the file")
    assertNoUploadFileIsLeft()
    let uploads = try S3Request(store: moto.store(), method: "GET", bucket: "big", query: ["uploads": ""]).send()
    XCTAssertEqual(uploads.status, 200)
    XCTAssertFalse(String(decoding: uploads.body, as: UTF8.self).contains("<Upload>"), "no upload is left open")
  }

  /// A server that hangs up in the middle of a multipart upload: the write fails with one line,
  /// the upload is aborted (no parts stay), and no temporary file is left. With URLSession's
  /// upload from a file, a cut-off upload crashed the process.
  func testAnUploadCutOffMidwayIsAbortedAndReportedNotACrash() throws {
    let answer = "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>"
    let server = try LoopbackHTTPServer(routes: [
      "/big/cut.bin": .sequence([
        .data(Data(answer.utf8), status: 200, contentType: "application/xml"), .raw(Data()), .raw(Data()), .raw(Data()),
        .status(204),
      ])
    ])
    defer { server.stop() }
    var store = S3ObjectStore(endpoint: server.baseURL, credentials: S3Credentials(accessKey: "k", secretKey: "s"))
    store.retryBase = 0.01
    let target = ObjectStoreTarget(bucket: "big", key: "cut.bin", store: store)

    XCTAssertThrowsError(try target.write(Data(repeating: 7, count: 9 << 20))) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 PUT big/cut.bin at \(server.baseURL.absoluteString) failed: the server closed the connection without answering (tried 3 times)"
      )
    }
    XCTAssertEqual(
      server.requests.map(\.method), ["POST", "PUT", "PUT", "PUT", "DELETE"], "started, one part tried 3 times, aborted"
    )
    XCTAssertEqual(server.requests.last?.target, "/big/cut.bin?uploadId=up-1")
    XCTAssertTrue(server.requests[3].target.contains("partNumber=1"), server.requests[3].target)
    assertNoUploadFileIsLeft()
  }

  /// The server stopped while a 200 MB upload goes up (the torture run's crash: URLSession's upload
  /// from a file ended in a `try!` in FoundationNetworking): the write throws one line, no crash, and
  /// its temporary file goes.
  func testTheServerStoppedDuringALargeUploadIsAnErrorNotACrash() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    try store.createBucket("big")
    let failure = Mutex<(any Error)?>(nil)
    let ended = expectation(description: "the write ends")
    Thread {
      do {
        try store.write(bucket: "big", key: "huge.bin") { file in
          let block = Data(repeating: 0x5A, count: 1 << 20)
          for _ in 0..<200 { file.write(block) }
        }
      } catch {
        failure.withLock { $0 = error }
      }
      ended.fulfill()
    }.start()
    // The upload is open once S3 lists it; its parts take seconds more to go up.
    let deadline = Date(timeIntervalSinceNow: 60)
    while Date() < deadline {
      let listing = try S3Request(store: store, method: "GET", bucket: "big", query: ["uploads": ""]).send()
      if String(decoding: listing.body, as: UTF8.self).contains("<Upload>") { break }
    }
    moto.stop()
    wait(for: [ended], timeout: 60)

    let error = try XCTUnwrap(failure.withLock { $0 }, "the write went through although the server stopped")
    XCTAssertTrue("\(error)".hasPrefix("S3 PUT big/huge.bin at \(moto.endpoint.absoluteString) failed: "), "\(error)")
    XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
    assertNoUploadFileIsLeft()
  }

  /// A download streams the object into the file: 64 MB never sit in memory, the file is whole.
  func testADownloadStreamsALargeObjectIntoAFile() throws {
    let moto = try MotoServer(for: self)
    let folder = try TemporaryFolder(removedAfter: self)
    let store = moto.store()
    try store.createBucket("big")
    let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
    try store.write(bucket: "big", key: "big.bin") { file in
      for _ in 0..<64 { file.write(block) }
    }
    let target = ObjectStoreTarget(bucket: "big", key: "big.bin", store: store)
    let local = LocalTarget(folder.path(of: "big.bin"))
    let before = residentBytes()

    try target.download(to: local)

    XCTAssertLessThan(residentBytes() - before, 32 << 20, "the object must not be held in memory")
    let saved = try XCTUnwrap(FileHandle(forReadingAtPath: local.path))
    defer { try? saved.close() }
    var pieces = 0
    while let piece = try saved.read(upToCount: 1 << 20), !piece.isEmpty {
      XCTAssertEqual(piece, block, "piece \(pieces)")
      pieces += 1
    }
    XCTAssertEqual(pieces, 64)
    XCTAssertThrowsError(try ObjectStoreTarget(bucket: "big", key: "none", store: store).download(to: local)) { error in
      XCTAssertTrue("\(error)".contains("HTTP 404 NoSuchKey"), "\(error)")
    }
    XCTAssertEqual(folder.files(), ["big.bin"], "a failed download leaves the file as it was, and no temporary file")
  }

  /// `endpoint = http://[::1]:PORT` was refused as an invalid URL.
  func testAnIPv6EndpointWorks() throws {
    let moto = try MotoServer(for: self, host: "::1")
    let text = """
      [object_store]
      backend = s3
      endpoint = http://[::1]:\(moto.port)
      access_key_id = \(moto.credentials.accessKey)
      secret_access_key = \(moto.credentials.secretKey)
      """
    let store = try ObjectStoreSettings.s3Store(from: Configuration(text: text), environment: [:])
    XCTAssertEqual(store.endpointAddress, "http://[::1]:\(moto.port)")
    try store.createBucket("six")
    let target = ObjectStoreTarget(bucket: "six", key: "v6.txt", store: store)
    try target.write("over IPv6")
    XCTAssertEqual(try target.read(), "over IPv6")
  }

  func testAMissingBucketIsAnErrorNamingIt() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    let server = moto.endpoint.absoluteString
    XCTAssertThrowsError(try store.exists(bucket: "nobucket", key: "k")) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 GET nobucket at \(server) failed: HTTP 404 NoSuchBucket: The specified bucket does not exist")
    }
    XCTAssertThrowsError(try store.write(bucket: "nobucket", key: "a/k") { $0.write("x") }) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 PUT nobucket/a/k at \(server) failed: HTTP 404 NoSuchBucket: The specified bucket does not exist")
    }
    XCTAssertThrowsError(try store.read(bucket: "nobucket", key: "k"))
  }

  func testAnUnreachableServerThrowsRatherThanAnsweringMissing() throws {
    let port = try LoopbackPort.unused()
    var store = S3ObjectStore(
      endpoint: URL(string: "http://127.0.0.1:\(port)")!, credentials: S3Credentials(accessKey: "k", secretKey: "s"))
    store.retryBase = 0.01
    let target = ObjectStoreTarget(bucket: "models", key: "iris.json", store: store)
    XCTAssertThrowsError(try target.exists()) { error in
      XCTAssertEqual(
        "\(error)", "S3 HEAD models/iris.json at http://127.0.0.1:\(port) failed: connection refused (tried 3 times)")
    }
    XCTAssertThrowsError(try target.write("x")) { error in
      XCTAssertEqual(
        "\(error)", "S3 PUT models/iris.json at http://127.0.0.1:\(port) failed: connection refused (tried 3 times)")
    }
  }

  // MARK: - Retries, as botocore's standard mode

  private func store(on server: LoopbackHTTPServer, attempts: Int = 3) -> S3ObjectStore {
    var store = S3ObjectStore(endpoint: server.baseURL, credentials: S3Credentials(accessKey: "k", secretKey: "s"))
    store.retryBase = 0.01
    store.maximumAttempts = attempts
    return store
  }

  private func s3Error(_ code: String, status: Int) -> LoopbackHTTPServer.Response {
    .data(
      Data("<Error><Code>\(code)</Code><Message>\(code) now</Message></Error>".utf8), status: status,
      contentType: "application/xml")
  }

  func testServerErrorsAndSlowDownAreTriedAgainUntilTheyPass() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/bkt/503": .sequence([.status(503), .status(200)]),
      "/bkt/5xx": .sequence([.status(500), .status(502), .status(200)]),
      "/bkt/slow": .sequence([s3Error("SlowDown", status: 503), .text("ok")]),
    ])
    defer { server.stop() }
    let store = store(on: server)
    XCTAssertTrue(try store.exists(bucket: "bkt", key: "503"), "a single 503 on HEAD no longer fails the task")
    XCTAssertTrue(try store.exists(bucket: "bkt", key: "5xx"))
    XCTAssertEqual(try store.read(bucket: "bkt", key: "slow"), Data("ok".utf8))
    XCTAssertEqual(server.requests.count, 2 + 3 + 2)
  }

  func testClientErrorsAreFinalAndTooManyServerErrorsSayHowManyTries() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/bkt/denied": s3Error("AccessDenied", status: 403),
      "/bkt/down": .status(503),
    ])
    defer { server.stop() }
    let store = store(on: server, attempts: 4)
    XCTAssertThrowsError(try store.read(bucket: "bkt", key: "denied")) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 GET bkt/denied at \(server.baseURL.absoluteString) failed: HTTP 403 AccessDenied: AccessDenied now")
    }
    XCTAssertEqual(server.requests.count, 1, "a 4xx answer is not tried again")
    XCTAssertThrowsError(try store.read(bucket: "bkt", key: "down")) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 GET bkt/down at \(server.baseURL.absoluteString) failed: HTTP 503: Service Unavailable (tried 4 times)")
    }
    XCTAssertEqual(server.requests.count, 1 + 4, "max_attempts tries in all")
  }

  func testASilentServerTimesOutAfterTheTimeItNames() throws {
    let server = try LoopbackHTTPServer(routes: ["/bkt/silent": .noAnswer])
    defer { server.stop() }
    var store = store(on: server, attempts: 1)
    store.timeout = 1
    XCTAssertThrowsError(try store.read(bucket: "bkt", key: "silent")) { error in
      XCTAssertEqual(
        "\(error)",
        "S3 GET bkt/silent at \(server.baseURL.absoluteString) failed: timed out after 1 s without an answer")
    }
  }

  func testMaxAttemptsComesFromTheConfigOrTheEnvironment() throws {
    let text =
      "[object_store]\nbackend = s3\nendpoint = http://127.0.0.1:9000\naccess_key_id = A\nsecret_access_key = S\n"
    XCTAssertEqual(
      try ObjectStoreSettings.s3Store(from: Configuration(text: text), environment: [:]).maximumAttempts, 3)
    XCTAssertEqual(
      try ObjectStoreSettings.s3Store(from: Configuration(text: text + "max_attempts = 5\n"), environment: [:])
        .maximumAttempts, 5)
    XCTAssertEqual(
      try ObjectStoreSettings.s3Store(from: Configuration(text: text), environment: ["AWS_MAX_ATTEMPTS": "1"])
        .maximumAttempts, 1)
    XCTAssertEqual(
      thrownMessage {
        try ObjectStoreSettings.s3Store(from: Configuration(text: text + "max_attempts = 0\n"), environment: [:])
      },
      "bad config file config: [object_store] max_attempts must be a whole number from 1 to 100, not '0'")
  }

  /// moto checking signatures, as AWS does: the signer is right when a real key works and a wrong
  /// secret is refused, with the server's own error.
  func testASignatureCheckingServerAcceptsTheRightKeyAndRefusesAWrongSecret() throws {
    let moto = try MotoServer(for: self, verifyingSignatures: true)
    let store = moto.store()
    try store.createBucket("signed")
    try store.write(bucket: "signed", key: "dir/a b+c.txt") { $0.write("signed") }
    XCTAssertTrue(try store.exists(bucket: "signed", key: "dir/a b+c.txt"))
    XCTAssertTrue(try store.exists(bucket: "signed", key: "dir"), "the listing with a query is signed right too")
    XCTAssertEqual(try store.read(bucket: "signed", key: "dir/a b+c.txt"), Data("signed".utf8))

    let secret = "not-the-secret-\(UUID().uuidString)"
    let wrong = moto.store(credentials: S3Credentials(accessKey: moto.credentials.accessKey, secretKey: secret))
    let server = moto.endpoint.absoluteString
    XCTAssertThrowsError(try wrong.write(bucket: "signed", key: "x") { $0.write("x") }) { error in
      XCTAssertTrue(
        "\(error)".hasPrefix("S3 PUT signed/x at \(server) failed: HTTP 403 SignatureDoesNotMatch: "), "\(error)")
      XCTAssertFalse("\(error)".contains(secret))
    }
    XCTAssertThrowsError(try wrong.exists(bucket: "signed", key: "dir/a b+c.txt"), "a refused HEAD is not 'missing'") {
      error in
      XCTAssertEqual(
        "\(error)",
        "S3 HEAD signed/dir/a b+c.txt at \(server) failed: HTTP 403: access denied (wrong key or secret, or no permission)"
      )
    }
    let unknown = moto.store(credentials: S3Credentials(accessKey: "AKIAUNKNOWN000000000", secretKey: secret))
    XCTAssertThrowsError(try unknown.read(bucket: "signed", key: "dir/a b+c.txt")) { error in
      XCTAssertTrue("\(error)".contains("HTTP 403 InvalidAccessKeyId"), "\(error)")
    }
  }

  /// `[object_store] bucket = team`: one deployment, one bucket, whatever bucket the task names.
  func testTheConfiguredBucketReplacesTheTargetsBucket() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.configuration = try Configuration(text: "[object_store]\nroot = store\nbucket = team\n")
    let result = try build([StoreObject()], options: options)
    XCTAssertEqual(result.exitCode, 0, result.summary)
    XCTAssertEqual(folder.files(), ["store/team/iris/model.json"])
  }

  func testTheConfigurationChoosesS3WithKeysFromTheFileOrTheEnvironment() throws {
    let text = """
      [object_store]
      backend = s3
      endpoint = http://127.0.0.1:9000
      region = eu-west-1
      """
    let configured = try ObjectStoreSettings.s3Store(
      from: Configuration(text: text + "\naccess_key_id = A\nsecret_access_key = S\n"), environment: [:])
    XCTAssertEqual(configured.endpointAddress, "http://127.0.0.1:9000")
    XCTAssertEqual(configured.region, "eu-west-1")
    XCTAssertEqual(configured.signer.credentials, S3Credentials(accessKey: "A", secretKey: "S"))
    let fromEnvironment = try ObjectStoreSettings.s3Store(
      from: Configuration(text: "[object_store]\nbackend = s3\n"),
      environment: [
        "AWS_ENDPOINT_URL": "https://s3.example.com", "AWS_ACCESS_KEY_ID": "EA", "AWS_SECRET_ACCESS_KEY": "ES",
        "AWS_DEFAULT_REGION": "ap-south-1", "AWS_SESSION_TOKEN": "ET",
      ])
    XCTAssertEqual(fromEnvironment.endpointAddress, "https://s3.example.com")
    XCTAssertEqual(fromEnvironment.region, "ap-south-1")
    XCTAssertEqual(
      fromEnvironment.signer.credentials, S3Credentials(accessKey: "EA", secretKey: "ES", sessionToken: "ET"))
    XCTAssertThrowsError(try ObjectStoreSettings.s3Store(from: Configuration(text: text), environment: [:])) { error in
      XCTAssertEqual(
        "\(error)", "bad config file config: [object_store] backend = s3 needs access_key_id (or AWS_ACCESS_KEY_ID)")
    }
  }
}

/// Writes `x` as models/iris/model.json into the configured store.
private struct StoreObject: PipelineTask {
  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "models", key: "iris/model.json") }
  func run() throws { try output().write("x") }
}
