import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbSchedules

/// A daily task that Python defines too (`Ledger` in ``RangeIdentityTests/pythonTasks``).
private struct Ledger: PipelineTask {
  @Parameter var day: Day = .required
  @Parameter var region: String = "all"

  func output() -> LocalTarget { LocalTarget("ledger/\(region)-\(day).txt") }
  func run() throws { try output().write("\(day)\n") }
}

/// An hourly one, and a monthly one, with the same names in Python.
private struct Meter: PipelineTask {
  @Parameter var hour: DateHour = .required
  func output() -> LocalTarget { LocalTarget("meter/\(hour).txt") }
  func run() throws {}
}

private struct Invoice: PipelineTask {
  @Parameter var month: Month = .required
  func output() -> LocalTarget { LocalTarget("invoice/\(month).txt") }
  func run() throws {}
}

/// Plumb's ranges are Luigi's `luigi.tools.range` tasks: the same family, parameter names, values,
/// text form and task id, checked against Luigi 3.8.1 itself, so that luigid sees one task.
final class RangeIdentityTests: XCTestCase {
  static let pythonTasks = """
    import datetime, json, sys
    import luigi, luigi.rpc, luigi.worker
    from luigi.tools.range import RangeDaily, RangeHourly, RangeMonthly

    class Ledger(luigi.Task):
        day = luigi.DateParameter()
        region = luigi.Parameter(default="all")
        def output(self):
            return luigi.LocalTarget("ledger/%s-%s.txt" % (self.region, self.day))

    class Meter(luigi.Task):
        hour = luigi.DateHourParameter()

    class Invoice(luigi.Task):
        month = luigi.MonthParameter()

    """

  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// Runs `script` (after ``pythonTasks``) with the venv's Python in the test's folder; its output lines.
  private func python(_ script: String, _ arguments: String...) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments = ["-c", Self.pythonTasks + script] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    let output = Pipe()
    process.standardOutput = output
    try folder.write("", to: ".python.stderr")
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".python.stderr")))
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, folder.contents(of: ".python.stderr") ?? "")
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
  }

  /// The task ids of a `task_list` answer.
  private static func ids(_ list: JSONValue) -> [String] {
    guard case .object(let tasks) = list else { return [] }
    return tasks.keys.sorted()
  }

  func testRangesHaveLuigisTextFormAndTaskID() throws {
    var daily = RangeDaily(
      of: Ledger.self, start: Day(year: 2024, month: 1, day: 1)!, stop: Day(year: 2024, month: 2, day: 1)!)
    var reversed = RangeDaily(of: Ledger.self, start: Day(year: 2024, month: 1, day: 1)!, reverse: true, taskLimit: 7)
    reversed.daysBack = 30
    reversed.daysForward = 2
    reversed.now = 1_717_200_000
    // Written as Python's json.dumps writes it, whatever the spacing it was given in.
    reversed.ofParams = try XCTUnwrap(JSONObject(parameterText: #"{"region":"eu"}"#))
    reversed.paramName = "day"
    var hourly = RangeHourly(of: Meter.self, start: DateHour(year: 2024, month: 1, day: 1, hour: 5)!)
    hourly.hoursBack = 48
    let monthly = RangeMonthly(of: Invoice.self, stop: Month(year: 2024, month: 3)!)
    let plumb: [any PipelineTask] = [daily, reversed, hourly, monthly]
    daily.taskLimit = 50  // the default, given in code: still the same task

    let luigi = try python(
      """
      ranges = [
          RangeDaily(of=Ledger, start=datetime.date(2024, 1, 1), stop=datetime.date(2024, 2, 1)),
          RangeDaily(of=Ledger, start=datetime.date(2024, 1, 1), reverse=True, task_limit=7, days_back=30,
                     days_forward=2, now=1717200000, of_params={"region": "eu"}, param_name="day"),
          RangeHourly(of=Meter, start=datetime.datetime(2024, 1, 1, 5), hours_back=48),
          RangeMonthly(of=Invoice, stop=datetime.date(2024, 3, 1)),
      ]
      for r in ranges:
          print(r.task_id)
          print(str(r))
          print(json.dumps(r.to_str_params(), sort_keys=True))
      """)
    XCTAssertEqual(luigi.count, 3 * plumb.count, "\(luigi)")
    for (index, task) in plumb.enumerated() where luigi.count == 3 * plumb.count {
      let info = TaskInfo(task)
      XCTAssertEqual(info.id, luigi[3 * index], info.description)
      XCTAssertEqual(info.description, luigi[3 * index + 1])
      let params = JSONValue.object(
        Dictionary(uniqueKeysWithValues: info.parameters.map { ($0.name, .string($0.value)) }))
      XCTAssertEqual(params, try JSONValue(parsing: Data(luigi[3 * index + 2].utf8)), info.description)
    }
    XCTAssertEqual(TaskInfo(daily).id, luigi[0])
  }

  func testOfParamsSetTheOfTasksOtherParameters() throws {
    var range = RangeDaily(
      of: Ledger.self, start: Day(year: 2024, month: 1, day: 1)!, stop: Day(year: 2024, month: 1, day: 3)!)
    range.ofParams = ["region": "eu"]
    let result = try build([range], options: folder.options())
    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("ledger/") }, ["ledger/eu-2024-01-01.txt", "ledger/eu-2024-01-02.txt"])

    range.ofParams = ["country": "eu"]
    XCTAssertThrowsError(try range.plan()) {
      XCTAssertEqual(
        "\($0)",
        #"cannot use --of-params '{"country": "eu"}' for Ledger: Ledger has no parameter country"#)
    }
    range.ofParams = ["day": "soon"]
    XCTAssertThrowsError(try range.plan()) {
      XCTAssertTrue("\($0)".hasSuffix("for Ledger: soon is not \(Day.expectedForm) for day"), "\($0)")
    }
  }

  /// A Python worker schedules a RangeDaily on luigid and leaves; a Plumb worker then builds the
  /// same range: luigid holds one RangeDaily, the Python worker's, and Plumb's run makes it DONE.
  func testARangeAPythonWorkerScheduledIsTheSameTaskInLuigidAsPlumbs() throws {
    let luigid = try LuigidServer(for: self)
    // Recent days: Luigi's range drops whatever is older than its 100 days back.
    let today = Day(containing: Date())
    let range = RangeDaily(of: Ledger.self, start: today.adding(days: -5), stop: today.adding(days: -2))
    let scheduled = try python(
      """
      start, stop = (datetime.datetime.strptime(d, "%Y-%m-%d").date() for d in sys.argv[2:4])
      r = RangeDaily(of=Ledger, start=start, stop=stop)
      with luigi.worker.Worker(scheduler=luigi.rpc.RemoteScheduler(sys.argv[1]), worker_id="python") as w:
          assert w.add(r)
      print(r.task_id)
      """, luigid.url, "\(today.adding(days: -5))", "\(today.adding(days: -2))")
    let pending = try luigid.api("task_list", ["status": "PENDING", "upstream_status": "", "search": "RangeDaily"])
    XCTAssertEqual(Self.ids(pending), scheduled, pending.text)

    var options = folder.options(workers: 2)
    options.scheduler = .central(luigid.scheduler)
    let result = try build([range], options: options)

    XCTAssertTrue(result.success, result.summary)
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:"), result.summary)
    XCTAssertEqual([TaskInfo(range).id], scheduled)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": "RangeDaily"])
    XCTAssertEqual(Self.ids(done), scheduled, done.text)
    XCTAssertEqual(done[scheduled.first ?? ""]?["workers"]?.elements?.count, 2, done.text)
  }
}
