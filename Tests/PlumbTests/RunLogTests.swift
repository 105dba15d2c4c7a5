import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// A log sink that notices a call made while another is still inside it: the first call stays
/// until a second one comes in, or two seconds pass.
private final class OverlapDetector: @unchecked Sendable {
  private let condition = NSCondition()
  private var inside = 0
  private var firstCallDone = false
  private var overlaps = 0
  private(set) var lines: [String] = []

  func receive(_ line: String) {
    condition.lock()
    defer { condition.unlock() }
    inside += 1
    if inside > 1 { overlaps += 1 }
    lines.append(line)
    condition.broadcast()
    if !firstCallDone {
      firstCallDone = true
      let deadline = Date(timeIntervalSinceNow: 2)
      while inside < 2 && condition.wait(until: deadline) {}
    }
    inside -= 1
  }

  var overlapped: Bool {
    condition.lock()
    defer { condition.unlock() }
    return overlaps > 0
  }
}

final class RunLogTests: XCTestCase {
  func testTheLogSinkIsCalledOneLineAtATimeLikeObservers() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let detector = OverlapDetector()
    let plan = Plan()
    var options = folder.options(workers: 2)
    options.logLevel = .info
    options.logSink = { detector.receive($0) }

    let result = try build([plan.task("a"), plan.task("b")], options: options)

    XCTAssertTrue(result.success)
    XCTAssertFalse(detector.overlapped, "two workers were inside the log sink at once")
    XCTAssertEqual(detector.lines.filter { $0.hasPrefix("plumb: running ") }.count, 2)
  }
}
