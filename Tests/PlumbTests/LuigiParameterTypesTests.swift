import Foundation
import Plumb
import PlumbTestSupport
import XCTest

private struct EveryMinute: PipelineTask {
  @Parameter var time: DateMinute = .required
  func output() -> LocalTarget { LocalTarget("minute-\(time).txt") }
  func run() throws { try output().write("\(time)\n") }
}

private struct MinuteReport: PipelineTask {
  func requires() -> [EveryMinute] {
    let start = DateMinute(year: 1998, month: 3, day: 23, hour: 1, minute: 50)!
    return (0..<300).map { EveryMinute(time: start.adding(minutes: $0)) }
  }
  func output() -> LocalTarget { LocalTarget("minute-report.txt") }
  func run() throws { try output().write("done\n") }
}

private struct Timed: PipelineTask {
  @Parameter var second: DateSecond = .required
  @Parameter var keep: TimeDelta = .required
  func output() -> LocalTarget { LocalTarget("timed-\(second)-\(keep.seconds).txt") }
  func run() throws { try output().write("done\n") }
}

private struct WithArguments: PipelineTask {
  @Parameter var args: JSONObject = .required
  func output() -> LocalTarget { LocalTarget("arguments.txt") }
  func run() throws { try output().write("\(args)\n") }
}

/// Luigi's DateMinuteParameter, DateSecondParameter, TimeDeltaParameter and DictParameter in Plumb: the texts they
/// read and write, the task ids they give, and the summary of a run over 300 minutes, each compared
/// with what Luigi 3.8.1 (the venv `make luigid-venv` installs) answers in the same case.
final class LuigiParameterTypesTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  func testDateMinutesReadAndWriteAsLuigisDo() {
    XCTAssertEqual(DateMinute(parameterText: "1998-03-23T0150")?.parameterText, "1998-03-23T0150")
    XCTAssertEqual(DateMinute(parameterText: "1998-3-23T0150")?.parameterText, "1998-03-23T0150")
    XCTAssertEqual(
      DateMinute(parameterText: "1998-03-23T01H50")?.parameterText, "1998-03-23T0150", "Luigi's older form")
    for refused in ["1998-03-23T150", "1998-03-23T2400", "1998-03-23T0160", "1998-02-30T0000", "1998-03-23 0150", ""] {
      XCTAssertNil(DateMinute(parameterText: refused), refused)
    }
    let late = DateMinute(year: 1999, month: 12, day: 31, hour: 23, minute: 59)!
    XCTAssertEqual(late.successor?.parameterText, "2000-01-01T0000")
    XCTAssertEqual(late.adding(minutes: -60 * 24).parameterText, "1999-12-30T2359")
    XCTAssertNil(DateMinute(year: 9999, month: 12, day: 31, hour: 23, minute: 59)!.successor)
  }

  func testDateSecondsReadAndWriteAsLuigisDo() {
    XCTAssertEqual(DateSecond(parameterText: "1998-03-23T015059")?.parameterText, "1998-03-23T015059")
    XCTAssertEqual(DateSecond(parameterText: "1998-03-23T015059")?.successor?.parameterText, "1998-03-23T015100")
    for refused in ["1998-03-23T0150", "1998-03-23T015060", "1998-03-23T245959"] {
      XCTAssertNil(DateSecond(parameterText: refused), refused)
    }
  }

  func testTimeDeltasReadEveryFormLuigiReadsAndWriteLuigisText() {
    let read = ["90", "0.5", "-1.5", "P1DT12H", "PT30M", "P2W", "1 w 2 d 3 h 4 m 5 s", "3 hours", "1 week 2 days"]
      .map { TimeDelta(parameterText: $0)?.parameterText }
    XCTAssertEqual(
      read,
      [
        "0 w 0 d 0 h 1 m 30 s", "0 w 0 d 0 h 0 m 0 s", "-1 w 6 d 23 h 59 m 58 s", "0 w 1 d 12 h 0 m 0 s",
        "0 w 0 d 0 h 30 m 0 s", "2 w 0 d 0 h 0 m 0 s", "1 w 2 d 3 h 4 m 5 s", "0 w 0 d 3 h 0 m 0 s",
        "1 w 2 d 0 h 0 m 0 s",
      ])
    XCTAssertEqual(TimeDelta(parameterText: "-1 w 6 d 23 h 59 m 58 s")?.seconds, -2, "a negative length reads back")
    // Luigi's regular expressions match a prefix and would take "3 hours later" as 3 hours.
    for refused in ["", "soon", "3 hours later", "P", "PT"] {
      XCTAssertNil(TimeDelta(parameterText: refused), refused)
    }
  }

  func testJSONObjectsKeepTheirOrderAndWriteAsPythonsJSONDoes() {
    let object = JSONObject(parameterText: #"{"start":"1998-03-23","num":3,"ratio":0.5,"tags":["a",null,true],"é":{}}"#)
    XCTAssertEqual(
      object?.parameterText,
      #"{"start": "1998-03-23", "num": 3, "ratio": 0.5, "tags": ["a", null, true], "\u00e9": {}}"#)
    XCTAssertEqual(object?["num"], 3)
    XCTAssertEqual(JSONObject(parameterText: #"{"a": 1, "b": 2, "a": 3}"#)?.parameterText, #"{"a": 3, "b": 2}"#)
    let literal: JSONObject = ["start": "1998-03-23", "num": 3]
    XCTAssertEqual(literal.parameterText, #"{"start": "1998-03-23", "num": 3}"#)
    for refused in ["", "[]", "3", #"{"a": 1,}"#, #"{"a": NaN}"#, #"{"a": 01}"#, #"{'a': 1}"#, #"{"a": 1} x"#] {
      XCTAssertNil(JSONObject(parameterText: refused), refused)
    }
    XCTAssertNil(JSONObject(parameterText: String(repeating: "[", count: 5000)), "deep nesting is refused, not a crash")
  }

  /// Luigi's own parameters on the same texts, and the ids of tasks with the same parameters.
  func testTextsAndTaskIdsAreLuigis() throws {
    let texts = ["90", "-1.5", "P1DT12H", "1 w 2 d 3 h 4 m 5 s", "3 hours"]
    let jsonTexts = [
      #"{"start":"1998-03-23","num":3}"#, #"{"b": [1, 2.5, 1e20, -0.0], "a": {"z": null, "y": false}}"#,
      #"{"name": "Zoë \u2603 \ud83d\ude00", "quote": "\"\\\n"}"#,
    ]
    let luigi = try folder.runLuigi(
      """
      import luigi
      class Timed(luigi.Task):
          second = luigi.DateSecondParameter()
          keep = luigi.TimeDeltaParameter()
      class EveryMinute(luigi.Task):
          time = luigi.DateMinuteParameter()
      p = luigi.TimeDeltaParameter()
      for text in \(texts):
          print(p.serialize(p.parse(text)))
      s = luigi.DateSecondParameter()
      print(Timed(second=s.parse("1998-03-23T015059"), keep=p.parse("P1DT12H")).task_id)
      print(EveryMinute(time=luigi.DateMinuteParameter().parse("1998-03-23T01H50")).task_id)
      class WithArguments(luigi.Task):
          args = luigi.DictParameter()
      d = luigi.DictParameter()
      for text in [\(jsonTexts.map { "r'\($0)'" }.joined(separator: ", "))]:
          print(d.serialize(d.parse(text)))
          print(WithArguments(args=d.parse(text)).task_id)
      """)
    let plumb =
      texts.map { TimeDelta(parameterText: $0)?.parameterText ?? "refused" } + [
        TaskInfo(
          Timed(second: DateSecond(parameterText: "1998-03-23T015059")!, keep: TimeDelta(parameterText: "P1DT12H")!)
        ).id,
        TaskInfo(EveryMinute(time: DateMinute(parameterText: "1998-03-23T01H50")!)).id,
      ]
      + jsonTexts.flatMap { text in
        JSONObject(parameterText: text).map { [$0.parameterText, TaskInfo(WithArguments(args: $0)).id] } ?? ["refused"]
      }
    XCTAssertEqual(plumb, luigi)
  }

  /// Luigi's test_with_ranges_minutes: 300 minutes in a row are one range in the summary.
  func testThreeHundredMinutesAreOneRangeInTheSummaryAsInLuigis() throws {
    var options = RunOptions()
    options.workingDirectory = folder.path
    options.configuration = Configuration()
    options.logLevel = .error
    let plumb = try build([MinuteReport()], options: options).summary
    let luigi = try folder.runLuigi(
      """
      import datetime, luigi
      class EveryMinute(luigi.Task):
          time = luigi.DateMinuteParameter()
          def output(self):
              return luigi.LocalTarget("luigi-minute-%s.txt" % self.time.strftime("%Y-%m-%dT%H%M"))
          def run(self):
              self.output().open("w").close()
      class MinuteReport(luigi.Task):
          def requires(self):
              start = datetime.datetime(1998, 3, 23, 1, 50)
              return [EveryMinute(time=start + datetime.timedelta(minutes=i)) for i in range(300)]
          def output(self):
              return luigi.LocalTarget("luigi-minute-report.txt")
          def run(self):
              self.output().open("w").close()
      result = luigi.build([MinuteReport()], local_scheduler=True, detailed_summary=True, log_level="ERROR")
      print(result.summary_text)
      """)
    XCTAssertTrue(plumb.contains("    - 300 EveryMinute(time=1998-03-23T0150...1998-03-23T0649)\n"), plumb)
    XCTAssertEqual(
      plumb,
      luigi.joined(separator: "\n").replacingOccurrences(of: "Luigi Execution Summary", with: "Plumb Execution Summary")
    )
  }
}
