import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCore

/// Writes `text` to `path` in two halves, and throws between them when the probe says so.
private struct HalfWriter: PipelineTask {
  @Parameter(help: "the output file") var path: String = "out.txt"
  @Parameter(help: "the text to write") var text: String = "first half|second half"
  var probe = RunProbe()

  func output() -> LocalTarget { LocalTarget(path) }
  func run() throws {
    let halves = text.split(separator: "|", maxSplits: 1).map(String.init)
    try output().write { file in
      file.write(halves[0])
      if probe.failsNow(path) { throw PlannedFailure("stopped halfway through \(path)") }
      file.write(halves.count > 1 ? halves[1] : "")
    }
  }
}

/// Writes its parameter's value to a relative path, after meeting the other runs at the probe.
private struct MeetAndWrite: PipelineTask {
  @Parameter(help: "what to write") var text: String = ""
  var probe = RunProbe()

  func output() -> LocalTarget { LocalTarget("shared/name.txt") }
  func run() throws {
    guard probe.meet(count: 2) else { throw PlannedFailure("the other run never started") }
    try output().write(text)
  }
}

/// Writes `report.tsv`, noting its run in the probe.
private struct WriteReport: PipelineTask {
  var probe = RunProbe()

  func output() -> LocalTarget { LocalTarget("report.tsv") }
  func run() throws {
    probe.start("report")
    defer { probe.end("report") }
    try output().write("song\tplays\n")
  }
}

final class LocalTargetTests: XCTestCase {
  func testAFolderAtTheOutputPathFailsSchedulingInsteadOfCountingAsDone() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("kept", to: "report.tsv/inside.txt")
    let probe = RunProbe()
    let task = WriteReport(probe: probe)

    let result = try build([task], options: folder.options())

    XCTAssertEqual(result.status(of: task), .schedulingFailed)
    XCTAssertEqual(
      result.record(of: task)?.errorMessage,
      "complete() failed: \(folder.path(of: "report.tsv")) is a folder, not a file: remove it or choose another output path"
    )
    XCTAssertEqual(probe.runCount("report"), 0, "run() must not be called")
    XCTAssertNotEqual(result.exitCode, 0)
    XCTAssertEqual(folder.files(), ["report.tsv/inside.txt"])
  }

  func testAFolderAtThePathCannotBeCheckedReadOrWritten() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("kept", to: "out/inside.txt")
    let target = LocalTarget(folder.path(of: "out"))
    let message = "\(target.path) is a folder, not a file: remove it or choose another output path"

    XCTAssertThrowsError(try target.exists()) { XCTAssertEqual("\($0)", message) }
    XCTAssertThrowsError(try target.read()) { XCTAssertEqual("\($0)", message) }
    XCTAssertThrowsError(try target.write("x")) { XCTAssertEqual("\($0)", message) }
    XCTAssertEqual(folder.files(), ["out/inside.txt"], "the folder is left alone and no temporary file is left")

    let source = LocalTarget(folder.path(of: "model.json"))
    try source.write("{}")
    XCTAssertThrowsError(try source.move(to: target)) { XCTAssertEqual("\($0)", message) }
    XCTAssertEqual(folder.files(), ["model.json", "out/inside.txt"])
  }

  func testAWriteThatThrowsLeavesNothingAndTheNextRunRedoesIt() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    probe.planFailures(of: "deep/out.txt", times: 1)
    let task = HalfWriter(path: "deep/out.txt", probe: probe)

    let failed = try build([task], options: folder.options())
    XCTAssertEqual(failed.status(of: task), .failed)
    XCTAssertEqual(failed.record(of: task)?.errorMessage, "stopped halfway through deep/out.txt")
    XCTAssertEqual(folder.files(), [], "neither the output nor a temporary file may be left")

    let redone = try build([task], options: folder.options())
    XCTAssertEqual(redone.status(of: task), .succeeded)
    XCTAssertEqual(folder.contents(of: "deep/out.txt"), "first halfsecond half")
    XCTAssertEqual(folder.files(), ["deep/out.txt"])
  }

  func testAThrowingWriteKeepsTheFileThatWasThere() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("old", to: "kept.txt")
    let target = LocalTarget(folder.path(of: "kept.txt"))

    XCTAssertThrowsError(
      try target.write { file in
        file.write(String(repeating: "x", count: 200_000))
        throw PlannedFailure("no")
      })
    XCTAssertEqual(try target.read(), "old")
    XCTAssertEqual(folder.files(), ["kept.txt"])
  }

  func testTextAndLargeTextRoundTrip() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let small = LocalTarget(folder.path(of: "small.txt"))
    try small.write("grüße\n")
    XCTAssertEqual(try small.read(), "grüße\n")

    let large = LocalTarget(folder.path(of: "large.txt"))
    let lines = (0..<20_000).map { "line \($0)\twith some text" }
    try large.write { file in
      for line in lines { file.writeLine(line) }
    }
    XCTAssertEqual(try large.lines(), lines)
  }

  func testBinaryRoundTrip() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "bytes.bin"))
    let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    try target.write(bytes)
    XCTAssertEqual(try target.readData(), bytes)
  }

  func testNonTextIsRefusedWithTheFileNamed() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "bytes.bin"))
    try target.write(Data([0xff, 0xfe, 0x00]))
    XCTAssertThrowsError(try target.read()) { error in
      XCTAssertEqual(error as? TargetError, .notText(path: target.path))
    }
  }

  func testLinesDropLineEndingsAndOnlyTheFinalNewline() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "lines.txt"))
    try target.write("a\r\nb\n\nc\rd\n\n")
    XCTAssertEqual(try target.lines(), ["a", "b", "", "c", "d", ""])
    try target.write("no newline")
    XCTAssertEqual(try target.lines(), ["no newline"])
    try target.write("")
    XCTAssertEqual(try target.lines(), [])
  }

  func testReadingAMissingFileSaysSo() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "missing.txt"))
    XCTAssertFalse(try target.exists())
    XCTAssertThrowsError(try target.read()) { error in
      XCTAssertEqual("\(error)", "\(target.path) does not exist")
    }
  }

  func testRemoveDeletesAndToleratesAMissingFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let target = LocalTarget(folder.path(of: "gone.txt"))
    try target.write("x")
    XCTAssertTrue(try target.exists())
    try target.remove()
    XCTAssertFalse(try target.exists())
    XCTAssertNoThrow(try target.remove())
  }

  func testMoveRenamesIntoNewFolders() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let source = LocalTarget(folder.path(of: "from.txt"))
    let destination = LocalTarget(folder.path(of: "a/b/to.txt"))
    try source.write("moved")
    try source.move(to: destination)
    XCTAssertFalse(try source.exists())
    XCTAssertEqual(try destination.read(), "moved")
    XCTAssertEqual(folder.files(), ["a/b/to.txt"])
  }

  func testMoveWorksAcrossFileSystems() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // /dev/shm is a RAM file system on Linux, so no rename reaches it from the temporary folder.
    var template = Array("/dev/shm/plumb-test-XXXXXX".utf8CString)
    let elsewhere = String(cString: try XCTUnwrap(mkdtemp(&template), "cannot make a folder in /dev/shm"))
    addTeardownBlock { try? FileManager.default.removeItem(atPath: elsewhere) }
    let source = LocalTarget(folder.path(of: "model.json"))
    let destination = LocalTarget(elsewhere + "/models/model.json")
    try source.write("{\"weights\": [1, 2]}")

    try source.move(to: destination)

    XCTAssertFalse(try source.exists())
    XCTAssertEqual(try destination.read(), "{\"weights\": [1, 2]}")
    XCTAssertEqual(
      try FileManager.default.subpathsOfDirectory(atPath: elsewhere).sorted(), ["models", "models/model.json"])
    XCTAssertEqual(folder.files(), [])
  }

  func testMovingAMissingFileNamesIt() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let source = LocalTarget(folder.path(of: "nothing.txt"))
    let destination = LocalTarget(folder.path(of: "to.txt"))
    XCTAssertThrowsError(try source.move(to: destination)) { error in
      XCTAssertEqual("\(error)", "could not move \(source.path) to \(destination.path): No such file or directory")
    }
  }

  func testWritingWhereAFileBlocksTheFolderFailsWithAClearError() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("a file, not a folder", to: "blocker")
    let target = LocalTarget(folder.path(of: "blocker/inside/out.txt"))
    XCTAssertThrowsError(try target.write("x")) { error in
      XCTAssertEqual("\(error)", "could not create a temporary file for \(target.path): Not a directory")
    }
    XCTAssertEqual(folder.files(), ["blocker"])
  }

  func testRelativePathsResolveAgainstEachRunsFolderWhileRunsOverlap() throws {
    let left = try TemporaryFolder(removedAfter: self)
    let right = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    let outcomes = RunProbe()
    let group = DispatchGroup()
    for (name, folder) in [("left", left), ("right", right)] {
      group.enter()
      Thread {
        let result = try? build([MeetAndWrite(text: name, probe: probe)], options: folder.options())
        outcomes.note("\(name) \(result?.success == true ? "succeeded" : "failed")")
        group.leave()
      }.start()
    }
    XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
    XCTAssertEqual(outcomes.log.sorted(), ["left succeeded", "right succeeded"])
    XCTAssertEqual(left.contents(of: "shared/name.txt"), "left")
    XCTAssertEqual(right.contents(of: "shared/name.txt"), "right")
  }

  func testManyWorkersCreateTheSameNewFoldersSafely() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let leaves = (0..<40).map { "new/deeper/leaf\($0)" }
    let plan = Plan(["new/all": leaves])

    let result = try build([plan.task("new/all")], options: folder.options(workers: 8))

    XCTAssertTrue(result.success, result.records.compactMap(\.errorMessage).joined(separator: "; "))
    XCTAssertEqual(folder.files().count, 41)
    XCTAssertEqual(folder.contents(of: "new/deeper/leaf7.txt"), "done new/deeper/leaf7\n")
  }

  func testRelativePathOutsideARunUsesTheCurrentFolder() {
    let target = LocalTarget("some/file.txt")
    XCTAssertEqual(target.path, FileManager.default.currentDirectoryPath + "/some/file.txt")
  }

  func testARelativePathJoinsTheRunsFolderWithOneSlash() {
    for folder in ["/data/run", "/data/run/"] {
      let context = RunContext(workingDirectory: folder, configuration: Configuration(), familyValues: [:])
      XCTAssertEqual(context.activate { LocalTarget("out/a.txt").path }, "/data/run/out/a.txt", folder)
      XCTAssertEqual(context.activate { LocalTarget("/elsewhere/b.txt").path }, "/elsewhere/b.txt", folder)
    }
  }
}
