import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbObjectStores

final class ObjectStoreTargetTests: XCTestCase {
  private struct WriteFailed: Error {}

  func testWriteThenReadAnObjectInAFolderStore() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let root = folder.path
    let target = ObjectStoreTarget(bucket: "models", key: "iris/model.json", store: .folder(root))
    XCTAssertFalse(try target.exists())
    try target.write("{\"k\": 3}\n")
    XCTAssertTrue(try target.exists())
    XCTAssertEqual(try target.read(), "{\"k\": 3}\n")
    XCTAssertEqual(folder.files(), ["models/iris/model.json"])
    XCTAssertEqual(target.description, "models/iris/model.json in folder store \(root)")
    try target.write(Data([0, 1, 2]))
    XCTAssertEqual(try target.readData(), Data([0, 1, 2]), "a second write replaces the object")
  }

  func testAWriteThatThrowsStoresNothing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let root = folder.path
    let target = ObjectStoreTarget(bucket: "models", key: "model.json", store: .folder(root))
    XCTAssertThrowsError(
      try target.write { file in
        file.write("half of it")
        throw WriteFailed()
      })
    XCTAssertFalse(try target.exists())
    XCTAssertEqual(folder.files(), [], "no object and no temporary file may be left")

    try target.write("old")
    XCTAssertThrowsError(
      try target.write { file in
        file.write("new, but")
        throw WriteFailed()
      })
    XCTAssertEqual(try target.read(), "old", "a failed write must leave the earlier object untouched")
    XCTAssertEqual(folder.files(), ["models/model.json"])
  }

  func testUploadCopiesALocalFileAndRemoveDeletes() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let local = LocalTarget(folder.path(of: "model.json"))
    try local.write("weights")
    let target = ObjectStoreTarget(bucket: "models", key: "model.json", store: .folder(folder.path(of: "store")))
    try target.upload(local)
    XCTAssertEqual(try target.read(), "weights")
    try target.remove()
    XCTAssertFalse(try target.exists())
    XCTAssertNoThrow(try target.remove(), "removing a missing object is not an error")
    XCTAssertTrue(try local.exists(), "uploading must leave the local file in place")
  }

  func testAFolderIsNotAnObject() throws {
    let root = try TemporaryFolder(removedAfter: self).path
    try ObjectStoreTarget(bucket: "models", key: "iris/model.json", store: .folder(root)).write("x")
    XCTAssertFalse(try ObjectStoreTarget(bucket: "models", key: "iris", store: .folder(root)).exists())
  }

  func testReadingAMissingObjectSaysSo() throws {
    let root = try TemporaryFolder(removedAfter: self).path
    let target = ObjectStoreTarget(bucket: "models", key: "none.json", store: .folder(root))
    XCTAssertThrowsError(try target.read()) { error in
      XCTAssertEqual(String(describing: error), "\(root)/models/none.json does not exist")
    }
  }

  func testUnusableBucketsAndKeysAreRefusedInOneLine() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let root = folder.path
    let badBucket =
      "use 3 to 63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit"
    let badKey = "a folder store needs keys like 'models/iris.json', without empty, '.' or '..' parts"
    let cases: [(bucket: String, key: String, message: String)] = [
      ("models", "../escape.json", "invalid object key '../escape.json': \(badKey)"),
      ("models", "a//b", "invalid object key 'a//b': \(badKey)"),
      ("models", "/absolute", "invalid object key '/absolute': \(badKey)"),
      ("models", "dir/", "invalid object key 'dir/': \(badKey)"),
      ("models", "", "invalid object key '': a key cannot be empty"),
      ("Models", "k", "invalid bucket name 'Models': \(badBucket)"),
      ("ab", "k", "invalid bucket name 'ab': \(badBucket)"),
      ("-models", "k", "invalid bucket name '-models': \(badBucket)"),
      ("my_models", "k", "invalid bucket name 'my_models': \(badBucket)"),
    ]
    for (bucket, key, message) in cases {
      let target = ObjectStoreTarget(bucket: bucket, key: key, store: .folder(root))
      XCTAssertEqual(thrownMessage { try target.exists() }, message, "a store that cannot tell is not missing")
      XCTAssertThrowsError(try target.write("x"), "\(bucket)/\(key)") { error in
        XCTAssertEqual(String(describing: error), message)
        XCTAssertFalse(String(describing: error).contains("\n"))
      }
    }
    XCTAssertEqual(folder.files(), [])
  }

  // MARK: - The store of a run

  private struct Upload: PipelineTask {
    @Parameter(help: "the object's key") var key: String = "iris/model.json"
    func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "models", key: key) }
    func run() throws { try output().write("model for \(key)") }
  }

  func testTheConfigFileSetsTheStoreRootRelativeToTheRunFolder() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[object_store]\nroot = store\n", to: "plumb.cfg")
    let first = try build([Upload()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(first.status(of: Upload()), .succeeded)
    XCTAssertEqual(
      folder.contents(of: "store/models/iris/model.json"),
      "model for iris/model.json")

    let second = try build([Upload()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(second.status(of: Upload()), .alreadyComplete, "an uploaded object makes its task complete")

    try FileManager.default.removeItem(atPath: folder.path(of: "store/models/iris/model.json"))
    let third = try build([Upload()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(third.status(of: Upload()), .succeeded, "a deleted object is uploaded again")
  }

  func testWithoutConfigTheStoreIsAFolderNamedObjectStore() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let result = try build([Upload()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(result.status(of: Upload()), .succeeded)
    XCTAssertEqual(folder.files(), ["object-store/models/iris/model.json"])
  }

  func testABadStoreConfigMakesExistsThrowInsteadOfAnsweringFalse() throws {
    let cases: [(config: String, problem: String)] = [
      ("[object_store]\nbackend = gcs\n", "backend 'gcs' is not supported; use backend = folder or backend = s3"),
      ("[object_store]\nroot =\n", "root must name a folder"),
    ]
    for (config, problem) in cases {
      let folder = try TemporaryFolder(removedAfter: self)
      try folder.write(config, to: "plumb.cfg")
      let configuration = try Configuration.load(in: folder.path, environment: [:])
      let context = RunContext(workingDirectory: folder.path, configuration: configuration, familyValues: [:])
      let target = context.activate { ObjectStoreTarget(bucket: "models", key: "iris.json") }
      XCTAssertEqual(
        thrownMessage { try target.exists() }, "bad config file \(folder.path)/plumb.cfg: [object_store] \(problem)",
        config)
    }
  }

  func testAnUnknownBackendFailsSchedulingInOneLine() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[object_store]\nbackend = gcs\n", to: "plumb.cfg")
    let result = try build([Upload()], options: folder.options(readingConfigFiles: true))
    XCTAssertEqual(
      result.status(of: Upload()), .schedulingFailed, "a store that cannot be used is not a missing object")
    XCTAssertEqual(
      result.record(of: Upload())?.errorMessage,
      "complete() failed: bad config file \(folder.path)/plumb.cfg: [object_store] backend 'gcs' is not supported; use backend = folder or backend = s3"
    )
    XCTAssertNotEqual(result.exitCode, 0)
    XCTAssertEqual(folder.files(), ["plumb.cfg"])
  }

  func testABadKeyFailsSchedulingAndWritesNothing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var upload = Upload()
    upload.key = "../outside.json"
    let result = try build([upload], options: folder.options())
    XCTAssertEqual(result.status(of: upload), .schedulingFailed)
    XCTAssertEqual(
      result.record(of: upload)?.errorMessage,
      "complete() failed: invalid object key '../outside.json': a folder store needs keys like 'models/iris.json', without empty, '.' or '..' parts"
    )
    XCTAssertEqual(folder.files(), [])
  }
}
