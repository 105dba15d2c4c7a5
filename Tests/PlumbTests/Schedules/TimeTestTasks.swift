import Foundation
import Plumb
import Synchronization

/// How many times the time tests' tasks ran, by task text, so tests can tell a rerun from a skip.
let timeTaskRuns = Mutex([String: Int]())

func recordRun(_ task: String) -> Int {
  timeTaskRuns.withLock { runs in
    runs[task, default: 0] += 1
    return runs[task, default: 0]
  }
}

/// A daily report: one file per day.
struct DailyReport: PipelineTask {
  @Parameter(help: "the day") var date: Day = .required
  @Parameter(help: "where the reports go") var folder: String = "reports"

  func output() -> LocalTarget { LocalTarget("\(folder)/\(date).txt") }

  func run() throws {
    let count = recordRun("DailyReport(\(folder)/\(date))")
    try output().write { $0.write("report \(date) run \(count)\n") }
  }
}

/// A report that fails on the day named in `failing.txt`, if any, for failed-forced-run tests.
struct Digest: PipelineTask {
  @Parameter(help: "the day") var date: Day = .required

  func requires() -> DailyReport { DailyReport(date: date) }
  func output() -> LocalTarget { LocalTarget("digests/\(date).txt") }

  func run() throws {
    let count = recordRun("Digest(\(date))")
    if let failing = try? String(contentsOfFile: LocalTarget("failing.txt").path, encoding: .utf8),
      failing.trimmingCharacters(in: .whitespacesAndNewlines) == "\(date)"
    {
      throw DigestFailure()
    }
    try output().write { $0.write("digest \(date) run \(count): \(try input().read())") }
  }
}

struct DigestFailure: Error, CustomStringConvertible {
  var description: String { "the digest failed on purpose" }
}

/// An hourly log.
struct HourlyLog: PipelineTask {
  @Parameter(help: "the hour") var hour: DateHour = .required
  func output() -> LocalTarget { LocalTarget("hours/\(hour).txt") }
  func run() throws { try output().write { $0.write("\(hour)\n") } }
}

/// A monthly total.
struct MonthlyTotal: PipelineTask {
  @Parameter(help: "the month") var month: Month = .required
  func output() -> LocalTarget { LocalTarget("months/\(month).txt") }
  func run() throws { try output().write { $0.write("\(month)\n") } }
}

/// A task that processes exactly its data interval.
struct IntervalTask: PipelineTask {
  @Parameter(help: "the interval") var interval: DataInterval = .required
  func output() -> LocalTarget { LocalTarget("intervals/\(DataIntervalName.of(interval)).txt") }
  func run() throws { try output().write { $0.write("\(interval)\n") } }
}

enum DataIntervalName {
  /// A file name for an interval: its text without colons and slashes.
  static func of(_ interval: DataInterval) -> String {
    interval.parameterText.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "/", with: "_")
  }
}

/// A task with no date parameter, for the error.
struct Undated: PipelineTask {
  @Parameter(help: "a name") var name: String = "x"
  func output() -> LocalTarget { LocalTarget("undated-\(name).txt") }
  func run() throws { try output().write { $0.write("x") } }
}

/// A task with two date parameters, for the error and `paramName`.
struct TwoDates: PipelineTask {
  @Parameter(help: "one day") var from: Day = .required
  @Parameter(help: "another day") var until: Day = .required
  func output() -> LocalTarget { LocalTarget("two/\(from)-\(until).txt") }
  func run() throws { try output().write { $0.write("x") } }
}

/// A day task whose completeness ranges check in bulk, counting every task they check: missing in
/// the first millennium and from `completeBefore` on, complete in between.
struct CheckedDay: BulkCompletion {
  static let checked = Mutex(0)
  static let completeBefore = Day(year: 2024, month: 1, day: 1)!

  @Parameter(help: "the day") var date: Day = .required

  static func completeness(of tasks: [CheckedDay]) throws -> [Bool] {
    checked.withLock { $0 += tasks.count }
    return tasks.map { $0.date.year >= 1000 && $0.date < completeBefore }
  }

  func output() -> LocalTarget { LocalTarget("checked/\(date).txt") }
  func run() throws { try output().write { $0.write("x") } }
}
