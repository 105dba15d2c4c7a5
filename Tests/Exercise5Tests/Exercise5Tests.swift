import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise5

/// Exercise 5, WordCount: daily texts as external data, a date-interval fan-in, word counts, and a
/// missing day that stops the count.
final class Exercise5Tests: GradedTestCase {
  override var exerciseNumber: Int { 5 }

  let textFolder = ExerciseInfo.packageRoot + "/data/wordcount"

  var inRun: String { todo("WordCount.run()", in: "WordCount.swift") }
  var inRequires: String { todo("WordCount.requires()", in: "WordCount.swift") }
  var inWords: String { todo("WordCount.words(in:)", in: "WordCount.swift") }

  /// Where the texts are in these runs: a copy of data/wordcount under a name a learner cannot
  /// guess, set in plumb.cfg, so WordCount finds the texts only through `input()`.
  let copiedFolder = "texts-\(UInt32.random(in: 0...UInt32.max))"

  override func setUpWithError() throws {
    try super.setUpWithError()
    try FileManager.default.copyItem(atPath: textFolder, toPath: workspace.path(of: copiedFolder))
    try workspace.write("[InputText]\nfolder = \(workspace.path(of: copiedFolder))\n", to: "plumb.cfg")
  }

  func testWordsAreLowerCasedWithoutPunctuation() {
    let text = "The ferry -- it ran LATE;\nthe harbour master's dog, Pilot, barked.\t2024!"
    let expected = ["the", "ferry", "it", "ran", "late", "the", "harbour", "masters", "dog", "pilot", "barked", "2024"]
    let found = WordCount.words(in: text)
    // Each word in quotes, so that an empty word shows as "" rather than as a double space.
    let show = { (words: [String]) in words.map { $0.isEmpty ? "\"\"" : Feedback.quoted($0) }.joined(separator: " ") }
    let empty = found.contains("") ? "leave out the pieces that end up empty (\"\" is not a word): " : ""
    expect(
      found == expected, "words(in:) should split at white space, lower-case, and strip punctuation.",
      expected: show(expected), found: show(found), next: "\(empty)finish \(inWords)")
  }

  func testCountsForAWeek() {
    expectCounts(for: "2024-W02", days: days(8...14))
  }

  func testCountsForAMonth() {
    expectCounts(for: "2024-01", days: days(1...31))
  }

  func testCountsForACustomRangeWithoutItsEndDay() {
    expectCounts(for: "2024-01-03-2024-01-10", days: days(3...9))
  }

  func testSummaryListsOneInputTextPerDay() {
    let task = WordCount(interval: interval("2024-01-03-2024-01-10"))
    guard let run = run(task), expectCounted(run, task) else { return }
    expectSummary(
      run,
      """
      Scheduled 8 tasks of which:
      * 7 complete ones were encountered:
          - 7 InputText(date=2024-01-03...2024-01-09)
      * 1 ran successfully:
          - 1 WordCount(interval=2024-01-03-2024-01-10)

      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "return one InputText per day, `interval.days.map { InputText(date: $0) }`, in \(inRequires)")
  }

  func testSecondRunCountsNothingAgain() {
    let task = WordCount(interval: interval("2024-W02"))
    guard let first = run(task), expectCounted(first, task), let second = run(task) else { return }
    expectSummary(
      second,
      """
      Scheduled 1 tasks of which:
      * 1 complete ones were encountered:
          - 1 WordCount(interval=2024-W02)

      Did not run any tasks
      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "keep output() as LocalTarget(\"counts-\\(interval).tsv\") in \(exercise.path(of: "WordCount.swift"))")
  }

  func testMissingDayStopsTheCount() {
    // data/wordcount has no text for 2024-02-01, a Thursday in ISO week 5.
    guard let run = run(WordCount(interval: interval("2024-W05"))) else { return }
    let next = "require one InputText per day of the interval in \(inRequires)"
    guard
      expectSummary(
        run,
        """
        Scheduled 8 tasks of which:
        * 6 complete ones were encountered:
            - 6 InputText(date=2024-01-29,2024-01-30,2024-01-31,...)
        * 2 were left pending, among these:
            * 1 were missing external dependencies:
                - 1 InputText(date=2024-02-01)
            * 1 had missing dependencies:
                - 1 WordCount(interval=2024-W05)

        Did not run any tasks
        This progress looks :| because there were missing external dependencies
        """, next: next)
    else { return }
    guard
      expect(
        run.result.exitCode == 20, "A run with missing data should exit with code 20.",
        expected: "20", found: "\(run.result.exitCode)", next: next)
    else { return }
    expectNoFile("counts-2024-W05.tsv", because: "WordCount cannot run without every day's text", next: next)
  }

  func testInputTextLooksInTheKitsDataFolderByDefault() {
    // The checks set InputText's folder in plumb.cfg; `make run` relies on the default.
    let given = "../../data/wordcount"
    let found = InputText(date: Day(parameterText: "2024-01-08")).folder
    expect(
      found == given, "InputText's folder should default to the kit's data/wordcount, seen from workspace/5-wordcount.",
      expected: Feedback.quoted(given), found: Feedback.quoted(found),
      next:
        "InputText.swift is given: put back `var folder: String = \"\(given)\"` in \(exercise.path(of: "InputText.swift"))"
    )
  }

  // MARK: - Helpers

  func interval(_ text: String) -> DaySpan {
    DaySpan(parameterText: text) ?? .placeholder
  }

  /// The January 2024 days numbered `range`, as file names' dates.
  func days(_ range: ClosedRange<Int>) -> [String] {
    range.map { String(format: "2024-01-%02d", $0) }
  }

  /// Runs WordCount for `text` and compares its file, line by line, with a count made here.
  func expectCounts(for text: String, days: [String], line: UInt = #line) {
    let task = WordCount(interval: interval(text))
    guard let run = run(task, line: line), expectDays(run, days, of: task, line: line),
      expectCounted(run, task, line: line)
    else { return }
    let name = "counts-\(text).tsv"
    guard let found = workspace.contents(of: name) else {
      expectFile(name, next: "write the counts in \(inRun)", line: line)
      return
    }
    let expected = independentCount(of: days)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let foundLines = found.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard
      let first = (0..<max(expectedLines.count, foundLines.count)).first(where: { index in
        expectedLines.indices.contains(index) != foundLines.indices.contains(index)
          || (expectedLines.indices.contains(index) && expectedLines[index] != foundLines[index])
      })
    else { return }
    let show = { (lines: [String]) in
      lines.indices.contains(first)
        ? Feedback.quoted(lines[first]) : "no line \(first + 1) (the file has \(lines.count - 1) lines)"
    }
    expect(
      false, "\(name) differs from the expected counts at line \(first + 1).",
      expected: show(expectedLines), found: show(foundLines),
      next:
        "count lower-cased words without punctuation over every day, write \"word\\tcount\" lines, most frequent first, ties alphabetical: \(inRun)",
      line: line)
  }

  /// Checks that `task` ran or was complete; a failure names what stopped it, such as an
  /// InputText whose file is not where it looked, rather than the counts file it did not write.
  func expectCounted(_ run: PipelineRun, _ task: WordCount, line: UInt = #line) -> Bool {
    expectDone(
      run, task,
      next: { reason in
        if case .missingData = reason {
          // A folder passed in code wins over plumb.cfg's, and is then the likely cause.
          let required = (try? (task as any PipelineTask).requires().requiredTasks) ?? []
          let folders = Set(required.compactMap { ($0 as? InputText)?.folder })
          if let passed = folders.first(where: { $0 != InputText(date: task.interval.start).folder }) {
            return
              "create each InputText with its date only, `InputText(date: $0)`, not with folder \"\(passed)\": the folder comes from plumb.cfg (or InputText's default): \(self.inRequires)"
          }
          return
            "InputText.swift is given: its output() should be LocalTarget(\"\\(folder)/\\(date).txt\"); put it back as it was (make reset N=5 does, keeping your files in .kit/backup)"
        }
        // The texts are in a folder of another name here, so a run() that names the files fails.
        if case .failed(let record) = reason, record.errorMessage?.contains(".txt") == true {
          return
            "read your input through input(), not by file name: `for text in try input() { ... try text.read() ... }` in \(self.inRun); input() is the files of the InputTexts that requires() returns, wherever plumb.cfg puts them (the checks put them in another folder than data/wordcount)"
        }
        return "fix \(self.inRun)"
      }, line: line)
  }

  /// Checks that the run asked for the texts of exactly `days`, one InputText each: an interval
  /// read as `start...end` takes in its end day too, and its counts are then off for a reason
  /// the word rules do not explain.
  func expectDays(_ run: PipelineRun, _ days: [String], of task: WordCount, line: UInt = #line) -> Bool {
    let required = run.result.records.filter { $0.info.family == "InputText" }
      .compactMap { record in record.info.parameters.first { $0.name == "date" }?.value }
    guard required.sorted() != days else { return true }
    let extra = required.filter { !days.contains($0) }
    let missing = days.filter { !required.contains($0) }
    let describe = { (days: [String]) in
      days.isEmpty ? "no day" : "\(days.count) day\(days.count == 1 ? "" : "s"), \(days[0]) to \(days[days.count - 1])"
    }
    var found = describe(required)
    if !extra.isEmpty { found += "; not in \(task.interval): \(extra.joined(separator: ", "))" }
    if !missing.isEmpty { found += "; missing: \(missing.joined(separator: ", "))" }
    let endDay = "\(task.interval.end)"
    let endNote =
      extra.contains(endDay)
      ? " (interval.days stops before the end day, \(endDay), which `start...end` takes in)" : ""
    return expect(
      false, "\(TaskInfo(task)) required the texts of other days than its interval's.",
      expected: describe(days), found: found,
      next: "return `interval.days.map { InputText(date: $0) }`\(endNote) in \(inRequires)", line: line)
  }

  /// The counts of `days`' texts made here, independently of the exercise's code: ASCII letters and
  /// digits make words, everything else separates or is dropped, as the README describes.
  func independentCount(of days: [String]) -> String {
    var counts: [String: Int] = [:]
    for day in days {
      let text = (try? String(contentsOfFile: "\(textFolder)/\(day).txt", encoding: .utf8)) ?? ""
      for piece in text.lowercased().components(separatedBy: .whitespacesAndNewlines) {
        let word = String(
          String.UnicodeScalarView(piece.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        )
        if !word.isEmpty { counts[word, default: 0] += 1 }
      }
    }
    return counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key)\t\($0.value)\n" }.joined()
  }
}
