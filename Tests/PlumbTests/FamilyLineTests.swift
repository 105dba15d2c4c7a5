import Foundation
import Plumb
import XCTest

@testable import PlumbCore
@testable import PlumbSchedules

private struct S: MarkerTask {
  @Parameter(help: "a number") var x: Int = .required
}

private struct D: MarkerTask {
  @Parameter(help: "a day") var date: Day = .required
}

private struct P: MarkerTask {
  @Parameter(help: "a number") var x: Int = .required
  @Parameter(help: "a word") var y: String = .required
}

private struct I: MarkerTask {
  @Parameter(help: "some days") var interval: DaySpan = .required
}

private struct L: MarkerTask {
  @Parameter(help: "a long text") var text: String = .required
}

/// Parameter names adding up to 45 characters: between Luigi's 40 and 60.
private struct Pair: MarkerTask {
  @Parameter(help: "a number") var first_parameter_name_x: Int = .required
  @Parameter(help: "a word") var second_parameter_name_y: String = "k"
}

/// Parameter names adding up to 76 characters.
private struct RangeDaily: MarkerTask {
  @Parameter(help: "newest first") var reverse_chronological_order: Bool = false
  @Parameter(help: "how far back") var days_back_from_now_limit: Int = .required
  @Parameter(help: "at most this many") var task_limit_per_invocation: Int = 50
}

private struct Alpha: MarkerTask {}
private struct Bravo: MarkerTask {}
private struct Charlie: MarkerTask {}
private struct Delta: MarkerTask {}
private struct Echo: MarkerTask {}
private struct Foxtrot: MarkerTask {}
private struct Golf: MarkerTask {}

/// How a category lists each family's tasks on one line, checked on the whole summary of real runs.
final class FamilyLineTests: SummaryTestCase {
  /// Tasks for days of February 2022, by their numbers.
  private func days(_ numbers: [Int]) throws -> [D] {
    let first = try day("2022-02-01")
    return numbers.map { D(date: first.adding(days: $0 - 1)) }
  }

  func testOneParameterWithOneValue() throws {
    XCTAssertEqual(try run([S(x: 7)]).summary, allRan(1, ["- 1 S(x=7)"]))
  }

  func testUpToThreeValuesAreListedEvenWhenContiguous() throws {
    XCTAssertEqual(try run([S(x: 3), S(x: 1), S(x: 2)]).summary, allRan(3, ["- 3 S(x=1,2,3)"]))
  }

  func testValuesWithAGapAreListed() throws {
    XCTAssertEqual(try run([S(x: 5), S(x: 1), S(x: 4), S(x: 2)]).summary, allRan(4, ["- 4 S(x=1,2,4,5)"]))
  }

  func testListFollowsTheTextOrderOfTheTasks() throws {
    XCTAssertEqual(try run([S(x: 3), S(x: 10), S(x: 1)]).summary, allRan(3, ["- 3 S(x=1,10,3)"]))
  }

  /// Python's order: by code point, so a character beyond the basic plane sorts after every one
  /// in it (UTF-16 would put it before U+FF5E).
  func testTasksAreInCodePointOrderBeyondTheBasicPlane() throws {
    let tasks = [L(text: "\u{1F600}"), L(text: "\u{FF5E}"), L(text: "b")]
    XCTAssertEqual(try run(tasks).summary, allRan(3, ["- 3 L(text=b,\u{FF5E},\u{1F600})"]))
  }

  func testMoreThanThreeContiguousValuesAreARange() throws {
    XCTAssertEqual(try run((8...12).map { S(x: $0) }).summary, allRan(5, ["- 5 S(x=8...12)"]))
  }

  func testDaysRangeAcrossAMonthEnd() throws {
    let tasks =
      try ["2022-03-02", "2022-02-27", "2022-03-01", "2022-02-28"].map { D(date: try day($0)) }
    XCTAssertEqual(try run(tasks).summary, allRan(4, ["- 4 D(date=2022-02-27...2022-03-02)"]))
  }

  // Date intervals are listed value by value, never ranged: Luigi's DateIntervalParameter has no
  // next_in_enumeration. Each expected line is Luigi 3.8.1's, seen in `summary_text` after
  // `luigi.build([I(interval=…), …], local_scheduler=True, detailed_summary=True)` for a Luigi task
  // `I` with one `luigi.DateIntervalParameter()` named `interval`.

  func testConsecutiveDaySpansAreListedUnlikeDays() throws {
    let tasks = try ["2022-02-03", "2022-02-01", "2022-02-04", "2022-02-02"].map { I(interval: try interval($0)) }
    XCTAssertEqual(
      try run(tasks).summary, allRan(4, ["- 4 I(interval=2022-02-01,2022-02-02,2022-02-03,2022-02-04)"]))
  }

  func testConsecutiveWeeksAreListed() throws {
    let tasks = try ["2022-W04", "2022-W02", "2022-W01", "2022-W03"].map { I(interval: try interval($0)) }
    XCTAssertEqual(try run(tasks).summary, allRan(4, ["- 4 I(interval=2022-W01,2022-W02,2022-W03,2022-W04)"]))
  }

  func testConsecutiveYearsAreListed() throws {
    let tasks = try ["2021", "2019", "2022", "2020"].map { I(interval: try interval($0)) }
    XCTAssertEqual(try run(tasks).summary, allRan(4, ["- 4 I(interval=2019,2020,2021,2022)"]))
  }

  func testManyConsecutiveMonthsAreListedAndCut() throws {
    let tasks = try (1...8).map { I(interval: try interval("2022-0\($0)")) }
    XCTAssertEqual(try run(tasks).summary, allRan(8, ["- 8 I(interval=2022-01,2022-02,2022-03,2022-04,...)"]))
  }

  func testLongListIsCutAfterThirtyCharacters() throws {
    XCTAssertEqual(
      try run(days([1, 2, 3, 5, 6])).summary, allRan(5, ["- 5 D(date=2022-02-01,2022-02-02,2022-02-03,...)"]))
  }

  func testListIsNotCutJustBeforeTheLastValue() throws {
    XCTAssertEqual(
      try run(days([1, 2, 3, 5])).summary, allRan(4, ["- 4 D(date=2022-02-01,2022-02-02,2022-02-03,2022-02-05)"]))
  }

  func testThreeValuesAreShownBeforeTheCut() throws {
    let values = ["a", "b", "c", "d", "e"].map { String(repeating: $0, count: 15) }
    XCTAssertEqual(
      try run(values.map { L(text: $0) }).summary,
      allRan(5, ["- 5 L(text=\(values[0]),\(values[1]),\(values[2]),...)"]))
  }

  func testListIsCutAfterTwoHundredCharacters() throws {
    let values = ["a", "b", "c"].map { String(repeating: $0, count: 150) }
    XCTAssertEqual(
      try run(values.map { L(text: $0) }).summary, allRan(3, ["- 3 L(text=\(values[0]),\(values[1]),...)"]))
  }

  func testTaskTextOverTwoHundredCharactersShowsOnlyTheFamily() throws {
    XCTAssertEqual(
      try run([L(text: String(repeating: "a", count: 195))]).summary, allRan(1, ["- 1 L(...)"]))
  }

  func testSeveralParametersWithOneVaryingContiguously() throws {
    XCTAssertEqual(
      try run([P(x: 2, y: "k"), P(x: 1, y: "k"), P(x: 3, y: "k")]).summary, allRan(3, ["- 3 P(x=1...3, y=k)"]))
  }

  func testSeveralParametersOneTask() throws {
    XCTAssertEqual(try run([P(x: 1, y: "k")]).summary, allRan(1, ["- 1 P(x=1, y=k)"]))
  }

  func testSeveralParametersTwoTasks() throws {
    XCTAssertEqual(
      try run([P(x: 2, y: "k"), P(x: 1, y: "k")]).summary, allRan(2, ["- 2 P(x=1, y=k) and P(x=2, y=k)"]))
  }

  func testSeveralParametersWithAGapShowTheFirstTask() throws {
    XCTAssertEqual(
      try run([P(x: 5, y: "k"), P(x: 1, y: "k"), P(x: 2, y: "k")]).summary, allRan(3, ["- 3 P(x=1, y=k) ..."]))
  }

  func testSeveralParametersVaryingShowTheFirstTask() throws {
    XCTAssertEqual(
      try run([P(x: 2, y: "b"), P(x: 1, y: "a"), P(x: 3, y: "c")]).summary, allRan(3, ["- 3 P(x=1, y=a) ..."]))
  }

  func testLongParameterNamesShowOnlyTheFamily() throws {
    let tasks = (1...4).map { RangeDaily(days_back_from_now_limit: $0) }
    XCTAssertEqual(try run(tasks).summary, allRan(4, ["- 4 RangeDaily(...)"]))
  }

  func testTwoTasksWithFairlyLongNamesShowOnlyTheFamily() throws {
    let two = [Pair(first_parameter_name_x: 1), Pair(first_parameter_name_x: 2)]
    XCTAssertEqual(try run(two).summary, allRan(2, ["- 2 Pair(...)"]))
  }

  func testOneTaskWithFairlyLongNamesIsShownWhole() throws {
    XCTAssertEqual(
      try run([Pair(first_parameter_name_x: 1)]).summary,
      allRan(1, ["- 1 Pair(first_parameter_name_x=1, second_parameter_name_y=k)"]))
  }

  func testAtMostFiveFamilyLines() throws {
    let tasks: [any PipelineTask] = [Golf(), Charlie(), Alpha(), Foxtrot(), Echo(), Delta(), Bravo()]
    XCTAssertEqual(
      try run(tasks).summary,
      allRan(7, ["- 1 Alpha()", "- 1 Bravo()", "- 1 Charlie()", "- 1 Delta()", "- 1 Echo()", "..."]))
  }

  func testConfiguredLineLimit() throws {
    let tasks: [any PipelineTask] = [Charlie(), Alpha(), Bravo()]
    XCTAssertEqual(
      try run(tasks) { $0.summaryLength = 2 }.summary, allRan(3, ["- 1 Alpha()", "- 1 Bravo()", "..."]))
  }

  func testNoLineLimit() throws {
    let tasks: [any PipelineTask] = [Golf(), Charlie(), Alpha(), Foxtrot(), Echo(), Delta(), Bravo()]
    let lines = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"].map { "- 1 \($0)()" }
    XCTAssertEqual(try run(tasks) { $0.summaryLength = 0 }.summary, allRan(7, lines))
  }
}
