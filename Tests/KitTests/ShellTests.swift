import Foundation
import Synchronization
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

  func testEachLineIsHandedOnWhileTheCommandStillRuns() {
    let signal = NSTemporaryDirectory() + "shell-tests-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: signal) }
    var lines: [String] = []
    // The command goes on only once the first line has been handed on: reading to the end first
    // would leave it waiting until the time limit.
    let outcome = Shell.capture(
      ["sh", "-c", "echo one; while [ ! -e \(signal) ]; do sleep 0.01; done; printf 'two\\nthree'"], timeLimit: 30
    ) { line in
      lines.append(line)
      if line == "one" { _ = FileManager.default.createFile(atPath: signal, contents: nil) }
    }
    XCTAssertFalse(outcome.timedOut)
    XCTAssertEqual(lines, ["one", "two", "three"])
    XCTAssertEqual(outcome.output, "one\ntwo\nthree")
  }

  // `make run`: a pipeline's log (standard error) and its tasks' prints (standard output) are shown
  // in the order written, and the runtime's crash notes are left out.
  func testARunShowsOutputAndErrorsInTheOrderWrittenWithoutTheFilteredLines() {
    let shown = Mutex<[String]>([])
    let status = Shell.run(
      ["sh", "-c", "echo log-1 >&2; echo printed-1; echo '*** Signal 11: noise' >&2; echo log-2 >&2; echo printed-2"],
      showingLines: { !$0.hasPrefix("*** Signal") }, show: { line in shown.withLock { $0.append(line) } })
    XCTAssertEqual(status, 0)
    XCTAssertEqual(shown.withLock { $0 }, ["log-1", "printed-1", "log-2", "printed-2"])
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

/// What Ctrl-C does: every process the kit started ends, with whatever those processes started.
final class InterruptTests: XCTestCase {
  func testStoppingTheChildrenEndsEveryProcessTheyStarted() throws {
    let finished = expectation(description: "the capture returns")
    Thread.detachNewThread {
      // The shell waits for a child that keeps the pipe open: the capture returns only once both are gone.
      _ = Shell.capture(["sh", "-c", "sleep 1000 & sleep 1000 & wait"])
      finished.fulfill()
    }
    let shell = try XCTUnwrap(waitFor { childShells().first })
    let tree = try XCTUnwrap(
      waitFor { () -> [pid_t]? in
        let below = ProcessTree.descendants(of: shell)
        return below.count == 2 ? [shell] + below : nil
      })
    XCTAssertNotEqual(getpgid(shell), getpgrp(), "the child runs in a process group of its own")

    Interrupt.stopChildren()

    wait(for: [finished], timeout: 10)
    for pid in tree {
      XCTAssertNotNil(waitFor { kill(pid, 0) == -1 && errno == ESRCH ? true : nil }, "process \(pid) is still there")
    }
  }

  /// The shells this test process started.
  private func childShells() -> [pid_t] {
    ProcessTree.descendants(of: getpid()).filter {
      (try? String(contentsOfFile: "/proc/\($0)/comm", encoding: .utf8)) == "sh\n"
    }
  }
}

extension XCTestCase {
  /// Polls `condition` until it gives a value, for at most ten seconds.
  func waitFor<T>(_ condition: () -> T?) -> T? {
    let deadline = Date() + 10
    while Date() < deadline {
      if let value = condition() { return value }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return nil
  }
}
