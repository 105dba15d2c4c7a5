import Foundation
import Plumb
import PlumbTestSupport
import XCTest

// Everything here uses Plumb's public API only (no @testable import), as a target written in
// another package would.

/// A file that counts as written once a flag file beside it exists, the flag being written after
/// the file: a target defined outside Plumb that gets `read()`, `lines()` and `write(_:)` of text and
/// data from one method each, and atomic writes from `OutputFile`.
private struct FlaggedFile: ReadableTarget, WritableTarget {
  let path: String
  var flag: String { path + ".done" }
  var description: String { "flagged \(path)" }

  func exists() -> Bool { FileManager.default.fileExists(atPath: flag) }

  func readData() throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TargetError.unreadable(path: description, reason: "does not exist")
    }
    return data
  }

  func write(_ body: (OutputFile) throws -> Void) throws {
    try OutputFile.write(to: path, body)
    try OutputFile.write(to: flag) { _ in }
  }
}

private struct WriteFailed: Error {}

/// A target whose store cannot be reached: it cannot tell whether it exists.
private struct Unreachable: Target {
  var description: String { "unreachable" }
  func exists() throws -> Bool { throw StoreUnreachable() }
}

private struct StoreUnreachable: Error, CustomStringConvertible {
  var description: String { "cannot reach the report store: connection refused" }
}

/// An object store that is down while the file `outage` exists in the run's folder, and otherwise
/// keeps objects in the folder `store`.
private struct OutageStore: ObjectStore {
  let objects = FolderObjectStore(root: LocalTarget("store").path)
  let outage = LocalTarget("outage")
  var description: String { "the report store" }

  private func ensureUp() throws {
    if try outage.exists() { throw StoreUnreachable() }
  }

  func exists(bucket: String, key: String) throws -> Bool {
    try ensureUp()
    return try objects.exists(bucket: bucket, key: key)
  }

  func read(bucket: String, key: String) throws -> Data {
    try ensureUp()
    return try objects.read(bucket: bucket, key: key)
  }

  func write(bucket: String, key: String, _ body: (OutputFile) throws -> Void) throws {
    try ensureUp()
    try objects.write(bucket: bucket, key: key, body)
  }

  func remove(bucket: String, key: String) throws {
    try ensureUp()
    try objects.remove(bucket: bucket, key: key)
  }
}

/// Publishes a report to the store.
private struct PublishReport: PipelineTask {
  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "reports", key: "report.tsv", store: OutageStore()) }
  func run() throws { try output().write("song\tplays\n") }
}

/// Mails the published report.
private struct MailReport: PipelineTask {
  func requires() -> PublishReport { PublishReport() }
  func output() -> LocalTarget { LocalTarget("mailed.txt") }
  func run() throws { try output().write(input().read()) }
}

/// A feed that arrives in the store from outside; its own completeness check hides the store's error.
private struct StoreFeed: ExternalTask {
  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "feeds", key: "feed.tsv", store: OutageStore()) }
  func complete() -> Bool { (try? output().exists()) ?? false }
}

private struct ReadFeed: PipelineTask {
  func requires() -> StoreFeed { StoreFeed() }
  func output() -> LocalTarget { LocalTarget("feed-copy.tsv") }
  func run() throws { try output().write(input().read()) }
}

/// Takes the store down when it runs.
private struct CauseOutage: PipelineTask {
  func output() -> LocalTarget { LocalTarget("outage") }
  func run() throws { try output().write("down\n") }
}

/// Requires the published report, complete when the run starts, and a task that takes the store
/// down before this one runs.
private struct MailDuringOutage: PipelineTask {
  func requires() -> AllOf<PublishReport, CauseOutage> { AllOf(PublishReport(), CauseOutage()) }
  func output() -> LocalTarget { LocalTarget("mailed.txt") }
  func run() throws { try output().write("mailed\n") }
}

final class CustomTargetTests: XCTestCase {
  // MARK: - Reading and writing conveniences for a target defined outside Plumb

  func testACustomTargetGetsTextDataAndLinesFromOneMethodEach() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = FlaggedFile(path: folder.path(of: "out/report.tsv"))
    XCTAssertFalse(target.exists())

    try target.write("a\r\nb\rc\n\nd\n")
    XCTAssertTrue(target.exists())
    XCTAssertEqual(folder.files(), ["out/report.tsv", "out/report.tsv.done"], "parent folders are created")
    XCTAssertEqual(try target.read(), "a\r\nb\rc\n\nd\n")
    XCTAssertEqual(try target.lines(), ["a", "b", "c", "", "d"])

    try target.write(Data([0, 1, 2]))
    XCTAssertEqual(try target.readData(), Data([0, 1, 2]))

    try target.write { file in
      file.writeLine("song\tplays")
      file.write("Abba\t3")
    }
    XCTAssertEqual(try target.lines(), ["song\tplays", "Abba\t3"])
  }

  func testACustomTargetsThrowingWriteLeavesTheEarlierFileAndNoFlag() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = FlaggedFile(path: folder.path(of: "report.tsv"))
    XCTAssertThrowsError(
      try target.write { file in
        file.write("half")
        throw WriteFailed()
      }
    ) { XCTAssertTrue($0 is WriteFailed, "the body's own error is rethrown") }
    XCTAssertFalse(target.exists())
    XCTAssertEqual(folder.files(), [], "no file, no flag and no temporary file may be left")

    try target.write("old")
    XCTAssertThrowsError(try target.write { _ in throw WriteFailed() })
    XCTAssertEqual(try target.read(), "old")
    XCTAssertEqual(folder.files(), ["report.tsv", "report.tsv.done"])
  }

  func testNonTextIsRefusedInOneLineNamingTheCustomTarget() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = FlaggedFile(path: folder.path(of: "blob"))
    try target.write(Data([0xFF, 0xFE, 0x0A]))
    let message = "flagged \(folder.path(of: "blob")) is not UTF-8 text"
    XCTAssertEqual(thrownMessage { try target.read() }, message)
    XCTAssertEqual(thrownMessage { try target.lines() }, message)
  }

  func testOutputFileKeepsASmallFileInMemoryAndPutsItInPlaceAtTheEnd() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("old\n", to: "report.tsv")
    try OutputFile.write(to: folder.path(of: "report.tsv")) { file in
      file.writeLine("new")
      XCTAssertEqual(folder.contents(of: "report.tsv"), "old\n", "the final file must not change while writing")
      XCTAssertEqual(folder.files(), ["report.tsv"], "a small file has no name on the way")
    }
    XCTAssertEqual(folder.contents(of: "report.tsv"), "new\n")
    XCTAssertEqual(folder.files(), ["report.tsv"])

    try OutputFile.write(to: folder.path(of: "new/first.tsv")) { file in
      file.writeLine("first")
      XCTAssertEqual(folder.listing(), ["report.tsv"], "nothing appears before the end, not even the folder")
    }
    XCTAssertEqual(folder.contents(of: "new/first.tsv"), "first\n")
  }

  // MARK: - Whether all of an output's targets exist

  func testAnOutputIsCompleteWhenItHasTargetsAndEveryOneExists() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let written = FlaggedFile(path: folder.path + "/written.tsv")
    let missing = FlaggedFile(path: folder.path + "/missing.tsv")
    try written.write("song\tplays\n")

    // A single target answers with its own exists(), a custom one as Plumb's own.
    XCTAssertTrue(try written.allTargetsExist())
    XCTAssertFalse(try missing.allTargetsExist())
    XCTAssertTrue(try LocalTarget(folder.path + "/written.tsv").allTargetsExist())
    XCTAssertFalse(try LocalTarget(folder.path + "/written.tsv.done.not").allTargetsExist())
    // Collections need every target; nothing at all is never complete.
    XCTAssertTrue(try [written, written].allTargetsExist())
    XCTAssertFalse(try [written, missing].allTargetsExist())
    XCTAssertFalse(try ["a": written, "b": missing].allTargetsExist())
    XCTAssertFalse(try [FlaggedFile]().allTargetsExist())
    XCTAssertFalse(try NoOutput().allTargetsExist())
    // A target that cannot tell throws, alone or in a collection.
    XCTAssertThrowsError(try Unreachable().allTargetsExist()) { XCTAssertTrue($0 is StoreUnreachable) }
    XCTAssertThrowsError(try [Unreachable()].allTargetsExist()) { XCTAssertTrue($0 is StoreUnreachable) }
  }

  // MARK: - A target whose exists() throws

  func testATargetThatCannotBeCheckedFailsSchedulingWithTheReason() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("down\n", to: "outage")

    let result = try build([MailReport()], options: folder.options())

    XCTAssertEqual(
      result.status(of: PublishReport()), .schedulingFailed, "an unreachable store is not a missing object")
    let reason = "complete() failed: cannot reach the report store: connection refused"
    XCTAssertEqual(result.record(of: PublishReport())?.errorMessage, reason)
    XCTAssertEqual(result.status(of: MailReport()), .pending)
    XCTAssertFalse(result.success)
    XCTAssertNotEqual(result.exitCode, 0)
    XCTAssertTrue(result.summary.contains("* 1 failed scheduling:\n    - 1 PublishReport()\n"), result.summary)
    XCTAssertTrue(result.summary.contains("\n    - PublishReport(): \(reason)\n"), result.summary)
    XCTAssertFalse(result.summary.contains("missing"), result.summary)
  }

  func testAnExternalTaskWhoseTargetCannotBeCheckedFailsSchedulingInsteadOfMissing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("down\n", to: "outage")

    let result = try build([ReadFeed()], options: folder.options())

    XCTAssertEqual(result.status(of: StoreFeed()), .schedulingFailed)
    XCTAssertEqual(
      result.record(of: StoreFeed())?.errorMessage,
      "exists() failed for feeds/feed.tsv in the report store: cannot reach the report store: connection refused")
    XCTAssertFalse(result.summary.contains("missing external"), result.summary)
  }

  func testADependencyThatCannotBeCheckedAtRunTimeIsNamedWithTheReason() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("song\tplays\n", to: "store/reports/report.tsv")

    let result = try build([MailDuringOutage()], options: folder.options())

    XCTAssertEqual(result.status(of: PublishReport()), .alreadyComplete)
    XCTAssertEqual(result.status(of: CauseOutage()), .succeeded)
    XCTAssertEqual(result.status(of: MailDuringOutage()), .failed)
    XCTAssertEqual(
      result.record(of: MailDuringOutage())?.errorMessage,
      "Unfulfilled dependency at run time: PublishReport__99914b932b (reports/report.tsv in the report store: cannot reach the report store: connection refused)"
    )
    XCTAssertFalse(folder.contains("mailed.txt"))
  }
}
