import Foundation
import XCTest

@testable import kit

/// Nothing a test run writes to its temporary folder stays behind, however the run ends: a crash
/// of the test process, the time limit, or the kit itself stopped by a signal. A stand-in `swift`
/// on PATH plays `swift build` and `swift test`, as in GraderTests.
final class RunFoldersTests: XCTestCase {
  private var folder = ""

  override func setUpWithError() throws {
    folder = NSTemporaryDirectory() + "run-folders-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(atPath: folder)
  }

  /// A stand-in `swift` whose `swift test` leaves a workspace in its TMPDIR, names that TMPDIR in
  /// `tmpdir`, then runs `then` (a shell command). `swift build` succeeds at once.
  private func standIn(then ending: String) throws {
    let script = """
      #!/bin/sh
      [ "$1" = test ] || exit 0
      mkdir -p "$TMPDIR/plumb-test-stand-in" && echo output > "$TMPDIR/plumb-test-stand-in/output.txt"
      echo "$TMPDIR" > "\(folder)/tmpdir"
      echo "Test Case 'Exercise1Tests.testHello' started at 2026-12-06 10:00:00.000"
      \(ending)
      """
    XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/bin/swift", contents: Data(script.utf8)))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/bin/swift")
  }

  private var path: String { folder + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

  /// The TMPDIR the stand-in was given, after checking it was not the system's own.
  private func runFolder() throws -> String {
    let named = try String(contentsOfFile: folder + "/tmpdir", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertTrue(URL(fileURLWithPath: named).lastPathComponent.hasPrefix("kit-run-\(getpid())-"), named)
    return named
  }

  func testATestProcessThatCrashesLeavesNothingBehind() throws {
    try standIn(then: "kill -SEGV $$")
    let report = Grader(environment: ["PATH": path]).test(["--filter", "^Exercise1Tests\\."])
    XCTAssertEqual(report.exitStatus, 128 + SIGSEGV)
    XCTAssertFalse(FileManager.default.fileExists(atPath: try runFolder()))
  }

  func testAnEndlessPrintStoppedAtTheTimeLimitLeavesNothingBehind() throws {
    try standIn(then: "while :; do echo 'still printing'; done")
    let report = Grader(environment: ["PATH": path], timeLimit: 1).test(["--filter", "^Exercise1Tests\\."])
    XCTAssertTrue(report.timedOut)
    XCTAssertFalse(FileManager.default.fileExists(atPath: try runFolder()))
  }

  func testAKitStoppedByCtrlCOrSIGTERMLeavesNothingBehind() throws {
    for signal in [SIGINT, SIGTERM] {
      try checkStopping(with: signal)
    }
  }

  /// Runs the real kit's `check 1` in a package of its own, with TMPDIR a folder of the test's,
  /// stops it with `signal` while the stand-in test runs, and checks that the folder is empty.
  private func checkStopping(with signal: Int32) throws {
    let package = folder + "/package-\(signal)"
    let temporary = folder + "/tmp-\(signal)"
    let started = folder + "/started-\(signal)"
    try FileManager.default.createDirectory(atPath: package + "/Exercises/1-basics", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    try "".write(toFile: package + "/Package.swift", atomically: true, encoding: .utf8)
    try "# Exercise 1: Basics\n".write(
      toFile: package + "/Exercises/1-basics/README.md", atomically: true, encoding: .utf8)
    try standIn(then: "touch '\(started)'; sleep 1000 & wait")

    let kit = Process()
    kit.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("kit")
    kit.arguments = ["check", "1"]
    kit.currentDirectoryURL = URL(fileURLWithPath: package)
    kit.environment = ProcessInfo.processInfo.environment.merging(["PATH": path, "TMPDIR": temporary]) { $1 }
    kit.standardOutput = FileHandle.nullDevice
    try kit.run()
    XCTAssertNotNil(
      waitFor { FileManager.default.fileExists(atPath: started) ? true : nil }, "the stand-in never started")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary).count, 1, "the run's folder")

    kill(kit.processIdentifier, signal)
    kit.waitUntilExit()

    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary), [])
    try FileManager.default.removeItem(atPath: started)
  }

  func testFoldersOfKitsThatNoLongerRunAreRemovedAtStart() throws {
    let ended = Process()
    ended.executableURL = URL(fileURLWithPath: "/bin/true")
    try ended.run()
    ended.waitUntilExit()
    let abandoned = folder + "/kit-run-\(ended.processIdentifier)-abcdef"
    let inUse = folder + "/kit-run-\(getpid())-ghijkl"
    for made in [abandoned, inUse] {
      try FileManager.default.createDirectory(atPath: made + "/plumb-test-x", withIntermediateDirectories: true)
    }
    RunFolders.removeAbandoned(in: folder)
    XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned))
    XCTAssertTrue(FileManager.default.fileExists(atPath: inUse))
  }
}
