import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise8

/// Exercise 8, schedules and backfill: ScrapeDay fetches one day of a small blog (its data
/// interval, nothing more), DailyDigest sums it up; RangeDaily backfills three weeks, a day that
/// answers 500 fails and a rerun resumes; the schedule command picks up new days on a fake clock;
/// `--force` scrapes one day again. Each test serves data/blog from its own loopback server, which
/// counts the requests.
final class Exercise8Tests: GradedTestCase {
  override var exerciseNumber: Int { 8 }

  var server: LoopbackHTTPServer!
  let blogFolder = ExerciseInfo.packageRoot + "/data/blog/posts"
  /// The day the blog cannot serve.
  let failingDay = "2024-03-10"

  var inScrape: String { todo("ScrapeDay.run()", in: "ScrapeDay.swift") }
  var inDigest: String { todo("DailyDigest.run()", in: "DailyDigest.swift") }

  override func setUpWithError() throws {
    try super.setUpWithError()
    var routes: [String: LoopbackHTTPServer.Response] = [:]
    for day in 1...21 {
      let name = String(format: "2024-03-%02d", day)
      routes["/posts/\(name)"] = name == failingDay ? .status(500) : .file("\(blogFolder)/\(name)")
    }
    server = try LoopbackHTTPServer(routes: routes)
    try workspace.write("[ScrapeDay]\nblog = \(server.baseURL.absoluteString)\n", to: "plumb.cfg")
  }

  override func tearDown() {
    server?.stop()
    super.tearDown()
  }

  // MARK: - What the suite knows about the blog

  /// The posts of `day` as the suite reads them from the committed pages: `time<TAB>title` lines
  /// of that day only, oldest first.
  func expectedPosts(_ day: String) -> [String] {
    let page = (try? String(contentsOfFile: "\(blogFolder)/\(day)", encoding: .utf8)) ?? ""
    return page.split(separator: "\n").map(String.init).filter { $0.hasPrefix(day + "T") }.sorted()
  }

  func expectedDigest(_ day: String) -> String {
    let posts = expectedPosts(day)
    return "\(day): \(posts.count) posts\n" + posts.map { "- " + $0.split(separator: "\t")[1] + "\n" }.joined()
  }

  func day(_ text: String) -> Day { Day(parameterText: text)! }

  /// How many times the server was asked for each day's page.
  func requestsByDay() -> [String: Int] {
    Dictionary(grouping: server.requestedPaths, by: { String($0.dropFirst("/posts/".count)) }).mapValues(\.count)
  }

  /// Fails unless no day was fetched more than `allowed[day]` times (once by default).
  @discardableResult
  func expectEachDayFetchedOnce(except allowed: [String: Int] = [:], line: UInt = #line) -> Bool {
    let twice = requestsByDay().filter { $0.value > allowed[$0.key, default: 1] }.keys.sorted()
    return expect(
      twice.isEmpty, "A day whose posts are kept should never be fetched again.",
      expected: "one request per day", found: "days fetched more than once: \(twice.joined(separator: ", "))",
      next:
        "fetch only `\\(blog)/posts/\\(date)` in \(inScrape), and write the file with output() so that the day is complete",
      line: line)
  }

  /// The "not done" message when a command line reached a stub, as a failure; true if it did.
  func failIfNotDone(_ command: CommandRun, line: UInt = #line) -> Bool {
    guard let notDone = notDoneMessage(in: command) else { return false }
    XCTFail(notDone, line: line)
    return true
  }

  // MARK: - ScrapeDay and DailyDigest

  func testScrapeDayKeepsOnlyThatDaysPostsOldestFirst() {
    guard let run = run(ScrapeDay(date: day("2024-03-03"))), expectNoFailures(run, next: "fix \(inScrape)") else {
      return
    }
    guard
      expectFile(
        "posts/2024-03-03.tsv", holding: expectedPosts("2024-03-03").map { $0 + "\n" }.joined(),
        next:
          "keep only the posts in `DataInterval(date)` (not the pinned one), oldest first, one `post.line` each: \(inScrape)"
      )
    else { return }
    expect(
      server.requestedPaths == ["/posts/2024-03-03"], "ScrapeDay should fetch that day's page only, once.",
      expected: "one request for /posts/2024-03-03", found: "requests: \(server.requestedPaths)",
      next: "download `\\(blog)/posts/\\(date)` once in \(inScrape)")
  }

  func testADayWithoutPostsGivesAnEmptyFileAndADigestOfZero() {
    guard let run = run(DailyDigest(date: day("2024-03-05"))),
      expectNoFailures(run, next: "fix \(inScrape) and \(inDigest)")
    else { return }
    guard expectFile("posts/2024-03-05.tsv", holding: "", next: "keep only that day's posts in \(inScrape)") else {
      return
    }
    expectFile("digests/2024-03-05.txt", holding: "2024-03-05: 0 posts\n", next: "write the count line in \(inDigest)")
  }

  func testDailyDigestSumsUpTheDay() {
    guard let run = run(DailyDigest(date: day("2024-03-03"))), expectNoFailures(run, next: "fix \(inDigest)") else {
      return
    }
    // The digest follows the day's file: a file in the wrong order is ScrapeDay's to fix.
    guard
      expectFile(
        "posts/2024-03-03.tsv", holding: expectedPosts("2024-03-03").map { $0 + "\n" }.joined(),
        next: "keep only the day's posts, oldest first (sort by `published`), in \(inScrape)")
    else { return }
    expectFile(
      "digests/2024-03-03.txt", holding: expectedDigest("2024-03-03"),
      next: "write \"DATE: N posts\" and one \"- TITLE\" line per post, in the order of the day's file, in \(inDigest)")
  }

  /// Runs DailyDigest with the run's files in a folder of their own, while the process's current
  /// folder is the workspace: a run() that opens `posts/<date>.tsv` by name, rather than through
  /// input(), then finds no file there.
  func testDailyDigestReadsTheDayThroughInput() throws {
    let folder = workspace.path(of: "run-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let task = DailyDigest(date: day("2024-03-03"))
    guard let run = run([task], configure: { options in options.workingDirectory = folder }) else { return }
    expectDone(
      run, task,
      next: { reason in
        if case .failed(let record) = reason, record.info == TaskInfo(task),
          record.errorMessage?.contains("2024-03-03.tsv") == true
        {
          return
            "read your input through input(), not by file name: `try Post.parse(try input().read())` in \(self.inDigest); input() is the file ScrapeDay wrote, wherever the run keeps its files (here not in the current folder)"
        }
        return "make \(self.inScrape) and \(self.inDigest) pass their own tests first"
      })
  }

  func testAFailingDayFailsWithTheServersErrorAndWritesNothing() {
    guard let run = run(ScrapeDay(date: day(failingDay))) else { return }
    let reason = "HTTP 500 Internal Server Error from \(server.url("/posts/\(failingDay)").absoluteString)"
    let found = run.failures.first.map { "\($0.error)" }
    guard
      expect(
        found == reason, "When the blog answers 500, ScrapeDay should fail with the download's one-line error.",
        expected: Feedback.quoted(reason), found: found.map(Feedback.quoted) ?? "no failure",
        next: "let the error of `download` propagate out of \(inScrape)")
    else { return }
    guard
      expect(
        run.result.exitCode == RunOptions().exitCodes.taskFailed, "A failed day should give exit code 30.",
        expected: "30", found: "\(run.result.exitCode)", next: "do not catch the error in \(inScrape)")
    else { return }
    expectNoFile(
      "posts/\(failingDay).tsv", because: "a failed download writes nothing",
      next: "write only after `download` returned, in \(inScrape)")
  }

  // MARK: - Backfill, resume, schedule, force

  let backfill = ["RangeDaily", "--of", "DailyDigest", "--start", "2024-03-01", "--stop", "2024-03-15"]

  func testBackfillWithRangeDailyShowsTheFailingDay() {
    let command = runCommand(backfill, tasks: pipelineTasks)
    if failIfNotDone(command) { return }
    let reason = "HTTP 500 Internal Server Error from \(server.url("/posts/\(failingDay)").absoluteString)"
    let expected = """
      Scheduled 29 tasks of which:
      * 26 ran successfully:
          - 13 DailyDigest(date=2024-03-01,2024-03-02,2024-03-03,...)
          - 13 ScrapeDay(date=2024-03-01,2024-03-02,2024-03-03,...)
      * 1 failed:
          - 1 ScrapeDay(date=2024-03-10)
      * 2 were left pending, among these:
          * 2 had failed dependencies:
              - 1 DailyDigest(date=2024-03-10)
              - 1 RangeDaily(...)

      This progress looks :( because there were failed tasks

      Why tasks failed:
          - ScrapeDay(date=2024-03-10): \(reason)
      """
    let body = PipelineRun.body(ofSummary: command.output)
    guard
      expect(
        body == expected, "The backfill's summary should list the 13 good days, the failing one and what waits on it.",
        expected: Feedback.block(expected, limit: 16), found: Feedback.block(body, limit: 16),
        next: "make \(inScrape) and \(inDigest) pass their own tests first")
    else { return }
    guard
      expect(
        command.exitCode == RunOptions().exitCodes.taskFailed, "A backfill with a failed day should exit with 30.",
        expected: "30", found: "\(command.exitCode)", next: "let ScrapeDay's error propagate in \(inScrape)")
    else { return }
    expectEachDayFetchedOnce()
  }

  func testARerunResumesWhereTheOutputsSay() {
    let first = runCommand(backfill, tasks: pipelineTasks)
    if failIfNotDone(first) { return }
    // The blog is fixed: the failing day now has a post.
    server.setResponse(.text("2024-03-10T12:00Z\tBack online\n"), for: "/posts/\(failingDay)")
    let second = runCommand(backfill, tasks: pipelineTasks)
    let expected = """
      Scheduled 3 tasks of which:
      * 3 ran successfully:
          - 1 DailyDigest(date=2024-03-10)
          - 1 RangeDaily(...)
          - 1 ScrapeDay(date=2024-03-10)

      This progress looks :) because there were no failed tasks or missing dependencies
      """
    let body = PipelineRun.body(ofSummary: second.output)
    guard
      expect(
        body == expected && second.exitCode == 0, "The rerun should do only the day that failed.",
        expected: Feedback.block(expected), found: "exit \(second.exitCode)" + Feedback.block(body, limit: 14),
        next: "write each day's file through output() in \(inScrape) and \(inDigest), so that done days are complete")
    else { return }
    guard expectEachDayFetchedOnce(except: [failingDay: 2]) else { return }
    expectFile(
      "digests/\(failingDay).txt", holding: "\(failingDay): 1 posts\n- Back online\n",
      next: "sum up the day's file in \(inDigest)")
  }

  func testTheScheduleCommandPicksUpNewDaysAsTheyEnd() {
    // It is 06:00 on 17 March: 15 and 16 March have ended. The fake clock then jumps to each next
    // midnight as the run waits for it, until --end's last day has run.
    let clock = ManualClock(now: Day(parameterText: "2024-03-17")!.date.addingTimeInterval(6 * 3600))
    let command = runCommand(
      ["schedule", "DailyDigest", "--cron", "@daily", "--start", "2024-03-15", "--end", "2024-03-18", "--forever"],
      tasks: pipelineTasks, clock: clock)
    if failIfNotDone(command) { return }
    let summaries = command.output.components(separatedBy: "===== Plumb Execution Summary =====\n\n")
      .filter { $0.contains("Scheduled") }
    let ran = summaries.map { summary in
      summary.split(separator: "\n").filter { $0.hasPrefix("    - ") && $0.contains("DailyDigest") }.joined(
        separator: "; ")
    }
    guard
      expect(
        command.exitCode == 0 && summaries.count == 3,
        "The schedule should backfill 15-16 March, then run 17 and 18 March as each day ends.",
        expected: "3 summaries, exit 0", found: "\(summaries.count) summaries, exit \(command.exitCode): \(ran)",
        next: "make \(inScrape) and \(inDigest) pass their own tests first")
    else { return }
    let digests = workspace.listing().filter { $0.hasPrefix("digests/") }.sorted()
    guard
      expect(
        digests == [
          "digests/2024-03-15.txt", "digests/2024-03-16.txt", "digests/2024-03-17.txt", "digests/2024-03-18.txt",
        ],
        "Each day from the start to the end should have its digest, and no later day.",
        expected: "digests for 2024-03-15 to 2024-03-18", found: digests.joined(separator: ", "),
        next: "write digests/<date>.txt in \(inDigest)")
    else { return }
    expectEachDayFetchedOnce()
  }

  func testForceScrapesOneDayAgainWithItsDigestOnly() {
    let week = ["RangeDaily", "--of", "DailyDigest", "--start", "2024-03-01", "--stop", "2024-03-08"]
    let first = runCommand(week, tasks: pipelineTasks)
    if failIfNotDone(first) { return }
    // A late post appears on 3 March: scrape that day again. The page lists posts newest first under
    // the pinned one, as the README says, so the late post is its second line.
    let page = (try? String(contentsOfFile: "\(blogFolder)/2024-03-03", encoding: .utf8)) ?? ""
    var lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.insert(latePost, at: min(1, lines.count))
    server.setResponse(.text(lines.joined(separator: "\n")), for: "/posts/2024-03-03")
    let forced = runCommand(week + ["--force", "ScrapeDay(date=2024-03-03)"], tasks: pipelineTasks)
    let ranLines = PipelineRun.body(ofSummary: forced.output).split(separator: "\n").filter { $0.hasPrefix("    - ") }
    let expectedLines = [
      "    - 1 DailyDigest(date=2024-03-03)",
      "    - 1 RangeDaily(...)",
      "    - 1 ScrapeDay(date=2024-03-03)",
    ]
    guard
      expect(
        forced.exitCode == 0 && ranLines.map(String.init) == expectedLines,
        "--force ScrapeDay(date=2024-03-03) should scrape that day again, and redo its digest and the range only.",
        expected: Feedback.block(expectedLines.joined(separator: "\n")),
        found: "exit \(forced.exitCode)" + Feedback.block(ranLines.joined(separator: "\n")),
        next: "keep ScrapeDay and DailyDigest writing through output(), so Plumb can tell done days")
    else { return }
    guard expectEachDayFetchedOnce(except: ["2024-03-03": 2]) else { return }
    // The day's file first: a digest in the wrong order is ScrapeDay's doing when its file is.
    let posts = expectedPosts("2024-03-03") + [latePost]
    guard
      expectFile(
        "posts/2024-03-03.tsv", holding: posts.map { $0 + "\n" }.joined(),
        next:
          "the late post is at the top of the page (newest first), so it ends the day's file: sort the day's posts by `published`, oldest first, in \(inScrape)"
      )
    else { return }
    expectFile(
      "digests/2024-03-03.txt",
      holding: "2024-03-03: \(posts.count) posts\n" + posts.map { "- " + $0.split(separator: "\t")[1] + "\n" }.joined(),
      next: "write one \"- TITLE\" line per post of the day's file, in the file's order, in \(inDigest)")
  }

  /// The post that appears on 3 March after the day was first scraped; it is that day's newest.
  let latePost = "2024-03-03T23:59Z\tA late post"
}
