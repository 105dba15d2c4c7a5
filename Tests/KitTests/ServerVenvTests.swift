import Foundation
import XCTest

@testable import kit

/// Exercises 6 and 7 check against real servers from Python venvs; the kit installs a venv the
/// first time such an exercise is checked, and a failed install fails the check with what to do.
final class ServerVenvTests: XCTestCase {
  func testTheKitKnowsWhichExerciseNeedsWhichVenv() {
    let needs = Dictionary(uniqueKeysWithValues: Exercise.all().map { ($0.number, ServerVenv.needed(by: $0)) })
    XCTAssertEqual(needs[6], [.s3])
    XCTAssertEqual(needs[7], [.luigi])
    XCTAssertEqual(needs.filter { !$0.value.isEmpty }.keys.sorted(), [6, 7])
  }

  /// A stand-in `make` on PATH plays pip without PyPI: it fails, and writes no stamp.
  func testAFailedInstallSaysWhatToDoAndFailsTheVerdict() throws {
    let folder = NSTemporaryDirectory() + "server-venv-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let script = """
      #!/bin/sh
      echo "$@" >> "\(folder)/calls"
      echo "ERROR: Could not find a version that satisfies the requirement moto[server]==5.2.5 (from versions: none)"
      exit 2
      """
    XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/make", contents: Data(script.utf8)))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/make")
    let venv = ServerVenv(
      package: "moto", check: "S3 check", makeTarget: "s3-venv", folder: folder + "/venv", override: "KIT_TEST_NO_SUCH",
      duration: "about a minute", server: "MotoServer")
    let six = Exercise(number: 6, folder: "6-iris")
    let path = ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

    let problem = try XCTUnwrap(venv.install(for: six, environment: path))
    XCTAssertTrue(problem.hasPrefix("Could not install moto for exercise 6's S3 check (`make s3-venv` failed"), problem)
    XCTAssertTrue(problem.contains("| ERROR: Could not find a version that satisfies the requirement"), problem)
    XCTAssertTrue(problem.contains("PyPI once: connect to the network"), problem)
    XCTAssertTrue(problem.contains("then make check N=6 again"), problem)

    // Not tried again by the same kit (make watch checks on every save), and still a problem.
    XCTAssertNotNil(venv.install(for: six, environment: path))
    XCTAssertEqual(try String(contentsOfFile: folder + "/calls", encoding: .utf8), "--no-print-directory -s s3-venv\n")

    let verdict = ServerVenv.verdict((.done, ""), installProblems: [problem])
    XCTAssertEqual(verdict.state, .failing)
    XCTAssertEqual(verdict.note, problem)
    XCTAssertEqual(ServerVenv.verdict((.notDone, "not done"), installProblems: [problem]).state, .notDone)
  }

  func testAnInstalledVenvCallsNoInstaller() throws {
    let folder = NSTemporaryDirectory() + "server-venv-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder + "/venv", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/venv/.installed", contents: nil))
    let venv = ServerVenv(
      package: "Luigi", check: "luigid check", makeTarget: "no-such-target", folder: folder + "/venv",
      override: "KIT_TEST_NO_SUCH", duration: "", server: "LuigidServer")
    // With no `make` on PATH, any call would fail.
    XCTAssertNil(venv.install(for: Exercise(number: 7, folder: "7-workers"), environment: ["PATH": folder]))
  }
}
