import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise9

/// Notes which tasks started in a run, from the run's observers (any thread).
final class StartedTasks: @unchecked Sendable {
  private let lock = NSLock()
  private var names: [String] = []

  var observer: TaskObserver {
    { [self] event in
      guard case .started(let task) = event else { return }
      lock.withLock { names.append(task.description) }
    }
  }

  /// How many times each task whose text starts with `prefix` started.
  func counts(of prefix: String) -> [String: Int] {
    lock.withLock { Dictionary(grouping: names.filter { $0.hasPrefix(prefix) }, by: { $0 }).mapValues(\.count) }
  }
}

/// Exercise 9, failures and recovery: FetchRate calls a flaky API (the suite's server answers 500
/// twice, then the rate) and needs a retry policy; CleanPrices fails for good on a bad line of the
/// price list until the input is fixed; SalesReport discovers the stores in the listing and requires
/// their sales while it runs; the alerts go to a webhook the suite receives. Each test copies
/// data/failures into the workspace's `input/` and serves the rate from its own loopback server.
final class Exercise9Tests: GradedTestCase {
  override var exerciseNumber: Int { 9 }

  var api: LoopbackHTTPServer!
  let start = Date(timeIntervalSince1970: 1_700_000_000)

  var inFetch: String { todo("FetchRate.run()", in: "FetchRate.swift") }
  var inPolicy: String { todo("FetchRate.retryPolicy", in: "FetchRate.swift") }
  var inReport: String { todo("SalesReport.run()", in: "SalesReport.swift") }
  var inAlerts: String { todo("webhookSettings(url:)", in: "Alerts.swift") }

  let fixedPrices = "apple\t0.50\nbanana\t0.25\npear\t0.60\nplum\t0.80\n"
  let expectedReport = "north\t12.54\nsouth\t4.95\neast\t7.92\ntotal\t25.41\n"

  override func setUpWithError() throws {
    try super.setUpWithError()
    api = try LoopbackHTTPServer(routes: ["/rate": .sequence([.status(500), .status(500), .text("1.10\n")])])
    try FileManager.default.copyItem(
      atPath: ExerciseInfo.packageRoot + "/data/failures", toPath: workspace.path(of: "input"))
    try workspace.write("[FetchRate]\napi = \(api.baseURL.absoluteString)\n", to: "plumb.cfg")
  }

  override func tearDown() {
    api?.stop()
    super.tearDown()
  }

  /// How many times the API was asked for the rate.
  var rateCalls: Int { api.requestedPaths.filter { $0 == "/rate" }.count }

  /// The "not done" message when a command line reached a stub, as a failure; true if it did.
  func failIfNotDone(_ command: CommandRun, line: UInt = #line) -> Bool {
    guard let notDone = notDoneMessage(in: command) else { return false }
    XCTFail(notDone, line: line)
    return true
  }

  // MARK: - Retries

  func testFetchRateRetriesTheFlakyAPIWithBackoff() {
    let clock = ManualClock(now: start)
    guard
      let run = run([FetchRate()], configure: { options in options.clock = clock }),
      expectDone(run, FetchRate(), next: { _ in self.retryAdvice(triesBeforeFailing: self.rateCalls) })
    else { return }
    guard expectFile("rate.txt", holding: "1.10\n", next: "write the trimmed answer and a newline in \(inFetch)")
    else { return }
    guard
      expect(
        rateCalls == 3, "FetchRate should call the API three times: two failures, then the answer.",
        expected: "3 calls to /rate", found: "\(rateCalls)", next: "retry up to 3 times in \(inPolicy)")
    else { return }
    let waited = clock.now.timeIntervalSince(start)
    expect(
      waited == 3, "The retries should wait 1 s, then 2 s (exponential backoff from 1 s).",
      expected: "3 s of waiting in all", found: "\(waited) s",
      next: "use `.exponential(retries: 3, delay: 1)` in \(inPolicy)")
  }

  /// What to do when FetchRate gave up after `tries` calls: no retry policy at all and too few
  /// retries are different mistakes, with different fixes.
  func retryAdvice(triesBeforeFailing tries: Int) -> String {
    switch tries {
    case 0:
      return "FetchRate failed before calling the API: download `\\(api)/rate` in \(inFetch)"
    case 1:
      return "the API fails twice before it answers, and FetchRate was tried once, with no retry: "
        + "give it a retry policy, `.exponential(retries: 3, delay: 1)`, in \(inPolicy)"
    default:
      return "expected 3 retries, found \(tries - 1): the API fails twice before it answers, and FetchRate "
        + "gave up after \(tries) tries: allow 3 retries, `.exponential(retries: 3, delay: 1)`, in \(inPolicy)"
    }
  }

  func testAFailedFetchLeavesNoRateAndTheNextRunFetchesAgain() {
    // The API is down for the whole first run: every try fails.
    api.setResponse(.status(500), for: "/rate")
    let clock = ManualClock(now: start)
    guard let failed = run([FetchRate()], configure: { options in options.clock = clock }) else { return }
    let atomic =
      "write rate.txt in one go, after the download returned: `try output().write(rate + \"\\n\")` writes a "
      + "temporary file and renames it into place only when all of it is written (an atomic write), so a "
      + "failed try leaves no file; a file created before the download (an empty write, "
      + "FileManager.createFile) stays when the download fails, and the next run counts FetchRate as done: \(inFetch)"
    let left = workspace.contents(of: "rate.txt")
    guard
      expect(
        left == nil, "rate.txt should not exist: a fetch that failed leaves nothing behind.",
        expected: "no rate.txt",
        found: left.map { $0.isEmpty ? "an empty rate.txt" : "rate.txt holding \(Feedback.quoted($0))" } ?? "",
        next: atomic),
      expect(
        failed.status(of: FetchRate()) == .failed, "When the API answers only 500, FetchRate should fail.",
        expected: "FetchRate() failed", found: "FetchRate() \(describe(failed.status(of: FetchRate())))",
        next: "let the download's error propagate out of \(inFetch); write only after it returned")
    else { return }
    guard
      expect(
        rateCalls == 4, "A fetch that keeps failing should be tried once and then retried 3 times.",
        expected: "4 calls to /rate (3 retries)",
        found:
          "\(rateCalls) call\(rateCalls == 1 ? "" : "s") (\(max(0, rateCalls - 1)) retr\(rateCalls == 2 ? "y" : "ies"))",
        next: rateCalls <= 1
          ? retryAdvice(triesBeforeFailing: rateCalls)
          : "allow 3 retries, `.exponential(retries: 3, delay: 1)`, in \(inPolicy)")
    else { return }
    // The API is back: the next run has nothing of FetchRate's, so it fetches again.
    api.setResponse(.text("1.10\n"), for: "/rate")
    guard let again = run([FetchRate()], configure: { options in options.clock = clock }) else { return }
    guard
      expect(
        again.status(of: FetchRate()) == .succeeded, "After a failed fetch, the next run should fetch the rate again.",
        expected: "FetchRate() ran successfully",
        found: "FetchRate() \(describe(again.status(of: FetchRate())))", next: atomic)
    else { return }
    expectFile("rate.txt", holding: "1.10\n", next: "write the trimmed answer and a newline in \(inFetch)")
  }

  /// A task's status in words, for a `found:` line.
  func describe(_ status: TaskStatus?) -> String {
    switch status {
    case nil: return "was not scheduled"
    case .alreadyComplete?: return "counted as complete, without a fetch: its rate.txt was already there"
    case .succeeded?: return "ran successfully"
    case .failed?: return "failed"
    case let other?: return "was left \(other.rawValue)"
    }
  }

  // MARK: - A failure for good

  func testABadPriceFailsForGoodAndTheSummarySaysWhatWaits() {
    let command = runCommand(["SalesReport"], tasks: pipelineTasks, clock: ManualClock(now: start))
    if failIfNotDone(command) { return }
    let expected = """
      Scheduled 5 tasks of which:
      * 2 complete ones were encountered:
          - 1 Listing()
          - 1 Prices()
      * 1 ran successfully:
          - 1 FetchRate()
      * 1 failed:
          - 1 CleanPrices()
      * 1 were left pending, among these:
          * 1 had failed dependencies:
              - 1 SalesReport()

      This progress looks :( because there were failed tasks

      Why tasks failed:
          - CleanPrices(): input/prices.tsv line 3: 'free' is not a price

      Succeeded in a retry:
          - FetchRate(): on attempt 3, after 2 failures
      """
    let body = PipelineRun.body(ofSummary: command.output)
    guard
      expect(
        body == expected,
        "With the bad price list, CleanPrices fails, SalesReport waits on it, and FetchRate succeeds in a retry.",
        expected: Feedback.block(expected, limit: 20), found: Feedback.block(body, limit: 20),
        next: "make testFetchRateRetriesTheFlakyAPIWithBackoff pass first (\(inFetch), \(inPolicy))")
    else { return }
    expect(
      command.exitCode == RunOptions().exitCodes.taskFailed, "A run with a failed task should exit with 30.",
      expected: "30", found: "\(command.exitCode)", next: "let errors propagate out of run()")
  }

  // MARK: - Requirements discovered while running

  func testTheReportRequiresTheListedStoresWhileRunning() throws {
    try workspace.write(fixedPrices, to: "input/prices.tsv")
    let started = StartedTasks()
    guard
      let run = run(
        [SalesReport()],
        configure: { options in
          options.clock = ManualClock(now: self.start)
          options.observers.append(started.observer)
        }),
      expectDone(
        run, SalesReport(),
        next: { reason in
          // The flaky API fails twice: a FetchRate that gives up first is its retry policy's doing.
          if case .failedDependency(let record) = reason, record.info == TaskInfo(FetchRate()) {
            return self.retryAdvice(triesBeforeFailing: self.rateCalls)
          }
          return "fix \(self.inReport)"
        })
    else { return }
    guard
      expectFile(
        "report.tsv", holding: expectedReport,
        next: "sum quantity × price × rate per store, two decimals, then the total line, in \(inReport)")
    else { return }
    let stores = started.counts(of: "StoreSales(")
    let expectedStores = ["StoreSales(name=north)": 1, "StoreSales(name=south)": 1, "StoreSales(name=east)": 1]
    guard
      expect(
        stores == expectedStores, "SalesReport should require one StoreSales per listed store, each run once.",
        expected: "\(expectedStores.keys.sorted()) once each",
        found: "\(stores.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" })",
        next: "call `try require(names.map { StoreSales(name: $0) })` once, in \(inReport)")
    else { return }
    let edges = run.result.record(of: SalesReport())?.dependencies ?? []
    expect(
      edges.contains("StoreSales(name=east)"),
      "The stores required while running should be SalesReport's requirements.",
      expected: "StoreSales(name=east) among SalesReport's requirements", found: "\(edges)",
      next: "require them with `require(_:)` inside run() in \(inReport), not by running them yourself")
  }

  // MARK: - Resuming

  func testFixingTheInputAndResumingRunsOnlyWhatIsMissing() throws {
    let clock = ManualClock(now: start)
    let first = runCommand(["SalesReport"], tasks: pipelineTasks, clock: clock)
    if failIfNotDone(first) { return }
    // The learner fixes line 3 of the price list: pear costs 0.60.
    try workspace.write(fixedPrices, to: "input/prices.tsv")
    let second = runCommand(["SalesReport"], tasks: pipelineTasks, clock: clock)
    if failIfNotDone(second) { return }
    let expected = """
      Scheduled 11 tasks of which:
      * 6 complete ones were encountered:
          - 1 FetchRate()
          - 1 Listing()
          - 1 Prices()
          - 3 StoreFile(name=east,north,south)
      * 5 ran successfully:
          - 1 CleanPrices()
          - 1 SalesReport()
          - 3 StoreSales(name=east,north,south)

      This progress looks :) because there were no failed tasks or missing dependencies
      """
    let body = PipelineRun.body(ofSummary: second.output)
    guard
      expect(
        body == expected && second.exitCode == 0,
        "After the fix, the rerun should do only what is missing: not FetchRate again, and every store once.",
        expected: "exit 0" + Feedback.block(expected, limit: 14),
        found: "exit \(second.exitCode)" + Feedback.block(body, limit: 14),
        next: "make testTheReportRequiresTheListedStoresWhileRunning pass first (\(inReport))")
    else { return }
    guard
      expect(
        rateCalls == 3, "The rate was fetched in the first run: the rerun should not call the API again.",
        expected: "3 calls to /rate in all", found: "\(rateCalls)",
        next: "write rate.txt through output() in \(inFetch)")
    else { return }
    expectFile("report.tsv", holding: expectedReport, next: "fix \(inReport)")
  }

  // MARK: - Alerts

  func testTheAlertsReachTheTeam() throws {
    let hook = try LoopbackHTTPServer(routes: ["/alerts": .text("ok")])
    defer { hook.stop() }
    let settings: String
    do {
      settings = try webhookSettings(url: hook.url("/alerts").absoluteString)
    } catch let notDone as NotImplemented {
      XCTFail(notDoneMessage(notDone))
      return
    }
    try workspace.write("[FetchRate]\napi = \(api.baseURL.absoluteString)\n\n" + settings, to: "plumb.cfg")
    let clock = ManualClock(now: start)
    let failed = runCommand(["SalesReport"], tasks: pipelineTasks, clock: clock)
    if failIfNotDone(failed) { return }
    guard
      expect(
        failed.errorMessages.isEmpty && failed.exitCode == RunOptions().exitCodes.taskFailed,
        "plumb.cfg with your [webhook] section should be read without errors.",
        expected: "exit 30, no error",
        found: "exit \(failed.exitCode): \(failed.errorMessages.joined(separator: "; "))",
        next: "return `[webhook]`, `url = ...` and `summary = always` lines, each ending with \\n, in \(inAlerts)")
    else { return }
    try workspace.write(fixedPrices, to: "input/prices.tsv")
    _ = runCommand(["SalesReport"], tasks: pipelineTasks, clock: clock)

    let messages = hook.requests.filter { $0.method == "POST" }.compactMap {
      try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any]
    }
    let events = messages.map { ($0["event"] as? String) ?? "?" }
    let expectedEvents = ["failure", "failure", "failure", "run_failed", "run_succeeded"]
    guard
      expect(
        events == expectedEvents,
        "The webhook should get FetchRate's two failed tries, CleanPrices' failure, the failed run's verdict, "
          + "then the fixed run's verdict.",
        expected: expectedEvents.joined(separator: ", "), found: events.joined(separator: ", "),
        next: "set `summary = always` (every run's end is posted) and keep the JSON format, in \(inAlerts)")
    else { return }
    let verdicts = messages.compactMap { $0["verdict"] as? String }
    let expectedVerdicts = [
      "This progress looks :( because there were failed tasks",
      "This progress looks :) because there were no failed tasks or missing dependencies",
    ]
    guard
      expect(
        verdicts == expectedVerdicts, "Each run's end should carry its summary's verdict line.",
        expected: expectedVerdicts.joined(separator: " / "), found: verdicts.joined(separator: " / "),
        next: "keep the default JSON format (`format = json`) in \(inAlerts)")
    else { return }
    let counts = messages[3]["counts"] as? [String: Int] ?? [:]
    expect(
      counts["failed"] == 1 && counts["upstream_failure"] == 1 && counts["succeeded_in_retry"] == 1,
      "The failed run's message should count 1 failed task, 1 with failed dependencies and 1 retried success.",
      expected: "failed 1, upstream_failure 1, succeeded_in_retry 1", found: "\(counts)",
      next: "keep the default JSON format in \(inAlerts)")
  }
}
