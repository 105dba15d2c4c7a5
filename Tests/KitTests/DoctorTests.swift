import XCTest

@testable import kit

/// `make doctor` judges what it probed: each missing piece says what it blocks and what to do.
final class DoctorTests: XCTestCase {
  func testTheSwiftVersionIsReadFromWhatSwiftPrints() {
    let current = Doctor.swift(
      versionOutput: "Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: x86_64-unknown-linux-gnu")
    XCTAssertEqual(current.isFine, true)
    XCTAssertEqual(current.detail, "6.3.1")
    let old = Doctor.swift(versionOutput: "Swift version 5.10 (swift-5.10-RELEASE)")
    XCTAssertFalse(old.isFine)
    XCTAssertTrue(old.advice.contains("6.0 or later"), old.advice)
    let none = Doctor.swift(versionOutput: "bash: swift: command not found")
    XCTAssertFalse(none.isFine)
    XCTAssertEqual(none.detail, "`swift --version` gave no version")
  }

  func testPyPIMattersOnlyWhileAServerIsStillToBeInstalled() {
    XCTAssertTrue(Doctor.pypi(answered: nil).isFine)
    XCTAssertTrue(Doctor.pypi(answered: true).isFine)
    let offline = Doctor.pypi(answered: false)
    XCTAssertFalse(offline.isFine)
    XCTAssertTrue(offline.advice.contains("exercises 1-5, 8 and 9 work offline"), offline.advice)
  }

  func testEachMissingPieceSaysWhatItBlocks() {
    let missing = [
      Doctor.python(venvWorks: false), Doctor.openSSL(headerExists: false),
      Doctor.loopback(bound: false, luigidPortFree: false), Doctor.disk(freeBytes: 500_000_000),
    ]
    for finding in missing {
      XCTAssertFalse(finding.isFine, finding.name)
      XCTAssertFalse(finding.advice.isEmpty, finding.name)
      XCTAssertTrue(Doctor.line(for: finding).contains("✗ \(finding.name): "), Doctor.line(for: finding))
    }
    XCTAssertTrue(Doctor.python(venvWorks: false).advice.contains("exercises 6 and 7"))
    XCTAssertEqual(Doctor.disk(freeBytes: 500_000_000).detail, "0.5 GB free here")
    XCTAssertTrue(Doctor.disk(freeBytes: 80_000_000_000).isFine)
    let taken = Doctor.loopback(bound: true, luigidPortFree: false)
    XCTAssertTrue(taken.isFine, "a taken 8082 only changes make luigid's port")
    XCTAssertTrue(taken.detail.contains("LUIGID_PORT=8083"), taken.detail)
  }
}
