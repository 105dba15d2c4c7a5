import Foundation
import PlumbTestSupport
import XCTest

@testable import Plumb

/// A day for the summary tests, with a successor so runs of days print as ranges.
/// Stands in for Plumb's date parameter types until they land on main.
struct TestDay: RequirableParameterValue, Hashable {
  let year: Int
  let month: Int
  let day: Int

  init(_ year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  init?(parameterText: String) {
    let parts = parameterText.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3, (1...12).contains(parts[1]) else { return nil }
    self.init(parts[0], parts[1], parts[2])
    guard (1...daysInMonth).contains(day) else { return nil }
  }

  var parameterText: String { String(format: "%04d-%02d-%02d", year, month, day) }
  static var expectedForm: String { "a day such as 2022-02-03" }
  static var required: TestDay { TestDay(0, 1, 1) }

  var successor: TestDay? {
    if day < daysInMonth { return TestDay(year, month, day + 1) }
    return month < 12 ? TestDay(year, month + 1, 1) : TestDay(year + 1, 1, 1)
  }

  private var daysInMonth: Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// The days of the month `text` (`2022-02`) names, first to last.
  static func days(ofMonth text: String) -> [TestDay] {
    guard let first = TestDay(parameterText: text + "-01") else { return [] }
    return Array(sequence(first: first, next: \.successor).prefix { $0.month == first.month })
  }
}

/// A task that writes one file named by its id, so any family and parameters get an output.
protocol MarkerTask: Task where Output == LocalTarget {}

extension MarkerTask {
  /// The output's path relative to the working folder.
  var fileName: String { "\(TaskInfo(self).id).txt" }
  func output() -> LocalTarget { LocalTarget(fileName) }
  func run() throws { try output().write("done\n") }
}

/// A run's failure in a test task.
struct TestFailure: Error, CustomStringConvertible {
  let description: String
}

/// A fresh folder per test, and runs of pipelines in it with quiet logging.
class SummaryTestCase: XCTestCase {
  private(set) var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// Runs `tasks` in the folder with errors logged nowhere. The summary is Luigi's layout alone,
  /// without Plumb's "Why tasks failed" lines, so it can be compared with Luigi's own output;
  /// ExecutionSummaryTests checks those lines separately.
  func run(_ tasks: [any Task], configure: (inout RunOptions) -> Void = { _ in }) throws -> RunResult {
    var options = folder.options(readingConfigFiles: true)
    options.summaryShowsErrors = false
    configure(&options)
    return try build(tasks, options: options)
  }

  /// A summary as printed: `body` between the two frame lines.
  func framed(_ body: String) -> String {
    "===== Plumb Execution Summary =====\n\n" + body + "\n\n===== Plumb Execution Summary =====\n"
  }

  /// The summary of a run in which every task ran successfully, listed by `lines`.
  func allRan(_ count: Int, _ lines: [String]) -> String {
    framed(
      "Scheduled \(count) tasks of which:\n* \(count) ran successfully:\n" + lines.map { "    " + $0 + "\n" }.joined()
        + "\nThis progress looks :) because there were no failed tasks or missing dependencies")
  }
}
