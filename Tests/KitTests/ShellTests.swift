import Foundation
import XCTest

@testable import kit

/// The time limit of `Shell.capture`: its watchdog fires on another thread while the caller waits.
final class ShellTests: XCTestCase {
  func testACommandThatFinishesInTimeIsNotStopped() {
    let outcome = Shell.capture(["sh", "-c", "echo hello"], timeLimit: 30)
    XCTAssertEqual(outcome.status, 0)
    XCTAssertEqual(outcome.output, "hello\n")
    XCTAssertFalse(outcome.timedOut)
  }

  func testACommandPastItsTimeLimitIsKilledWithWhatItStarted() {
    let start = Date()
    // The shell waits for a child that keeps the pipe open: the capture ends only once both are killed.
    let outcome = Shell.capture(["sh", "-c", "echo started; sleep 30 & wait"], timeLimit: 1)
    XCTAssertTrue(outcome.timedOut)
    XCTAssertEqual(outcome.status, 128 + SIGKILL)
    XCTAssertEqual(outcome.output, "started\n")
    XCTAssertLessThan(Date().timeIntervalSince(start), 20)
  }
}
