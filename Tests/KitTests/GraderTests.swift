import Foundation
import XCTest

@testable import kit

/// One exercise that does not compile must not stop another from being checked: the grader builds
/// again without it (KIT_LEAVE_OUT, which Package.swift reads). A stand-in `swift` on PATH plays
/// the compiler here, failing in the exercises that are not left out, so the test runs in
/// milliseconds instead of building the package inside its own test run.
final class GraderTests: XCTestCase {
  private var folder = ""

  override func setUpWithError() throws {
    folder = NSTemporaryDirectory() + "grader-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    // Exercise 1's code and exercise 3's suite do not compile, unless left out; a build logs its
    // KIT_LEAVE_OUT, so the test sees each attempt.
    let script = """
      #!/bin/sh
      echo "leave out: ${KIT_LEAVE_OUT:-none}" >> "\(folder)/attempts"
      # As SwiftPM 6.3.1 does on every build: a folder left in TMPDIR.
      mkdir "${TMPDIR:-/tmp}/TemporaryDirectory.grader-tests-$$" && echo "${TMPDIR:-/tmp}" >> "\(folder)/temporary"
      case ",$KIT_LEAVE_OUT," in *,1,*) ;; *)
        echo "$PWD/Exercises/1-basics/Hello.swift:3:5: error: cannot find 'prnt' in scope"; exit 1;; esac
      case ",$KIT_LEAVE_OUT," in *,3,*) ;; *)
        echo "$PWD/Tests/Exercise3Tests/Exercise3Tests.swift:9:7: error: cannot find 'Greet' in scope"; exit 1;; esac
      echo "[1/1] Linking"
      """
    XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/swift", contents: Data(script.utf8)))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/swift")
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(atPath: folder)
  }

  private var grader: Grader {
    Grader(environment: ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
  }

  private func attempts() throws -> [String] {
    try String(contentsOfFile: folder + "/attempts", encoding: .utf8).split(separator: "\n").map(String.init)
  }

  func testABuildStepIsShownWithoutItsGrowingCount() {
    XCTAssertEqual(
      Grader.activity(ofBuildLine: "[280/373] Compiling Plumb Scheduler.swift"), "Compiling Plumb Scheduler.swift")
    XCTAssertNil(Grader.activity(ofBuildLine: "Building for debugging..."))
    XCTAssertNil(Grader.activity(ofBuildLine: "[1/1] "))
  }

  func testBrokenExercisesAndSuitesOfOthersAreLeftOutOneByOne() throws {
    var grader = self.grader
    let six = try XCTUnwrap(Exercise.all().first { $0.number == 6 })
    XCTAssertNil(grader.buildLeavingOutBroken(keeping: six))
    XCTAssertEqual(grader.leftOut.map(\.exercise.number), [1, 3])
    XCTAssertEqual(grader.leftOut.first?.errors.problems.first?.message, "cannot find 'prnt' in scope")
    XCTAssertEqual(grader.environment["KIT_LEAVE_OUT"], "1,3")
    XCTAssertEqual(try attempts(), ["leave out: none", "leave out: 1", "leave out: 1,3"])
  }

  func testWhatABuildLeavesInItsTemporaryFolderGoesWithIt() throws {
    var grader = self.grader
    _ = grader.buildLeavingOutBroken(keeping: nil)
    let folders = try String(contentsOfFile: folder + "/temporary", encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(folders.count, 3, "one per attempt")
    for used in folders {
      XCTAssertTrue(used.contains("/kit-run-"), "the build had a run folder of its own, not \(used)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: String(used)), "\(used) is still there")
    }
  }

  func testTheExerciseBeingCheckedIsNeverLeftOut() throws {
    var grader = self.grader
    let one = try XCTUnwrap(Exercise.all().first { $0.number == 1 })
    let errors = try XCTUnwrap(grader.buildLeavingOutBroken(keeping: one))
    XCTAssertEqual(errors.problems.first?.file, "Exercises/1-basics/Hello.swift")
    XCTAssertTrue(grader.leftOut.isEmpty)
    XCTAssertEqual(try attempts(), ["leave out: none"])
  }
}
