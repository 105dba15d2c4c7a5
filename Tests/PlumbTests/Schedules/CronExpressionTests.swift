import Foundation
import Plumb
import XCTest

@testable import PlumbSchedules

final class CronExpressionTests: XCTestCase {
  private func time(_ text: String) throws -> Date {
    try XCTUnwrap(DataInterval.instant(text), text)
  }

  private func next(_ expression: String, after text: String) throws -> String? {
    try CronExpression(expression).next(after: try time(text)).map(DataInterval.text)
  }

  func testPresetsStandForTheirExpressions() throws {
    XCTAssertEqual(try next("@hourly", after: "2024-01-01T10:30Z"), "2024-01-01T11:00Z")
    XCTAssertEqual(try next("@daily", after: "2024-01-01T10:30Z"), "2024-01-02T00:00Z")
    // 2024-01-07 is a Sunday.
    XCTAssertEqual(try next("@weekly", after: "2024-01-01T10:30Z"), "2024-01-07T00:00Z")
    XCTAssertEqual(try next("@monthly", after: "2024-01-01T00:00Z"), "2024-02-01T00:00Z")
    XCTAssertEqual(try next("@quarterly", after: "2024-01-01T00:00Z"), "2024-04-01T00:00Z")
    XCTAssertEqual(try next("@yearly", after: "2024-01-01T00:00Z"), "2025-01-01T00:00Z")
    XCTAssertEqual(try next("@annually", after: "2024-01-01T00:00Z"), "2025-01-01T00:00Z")
  }

  func testRangesStepsListsAndNames() throws {
    XCTAssertEqual(try next("*/15 9-17 * * MON-FRI", after: "2024-01-05T17:50Z"), "2024-01-08T09:00Z")
    XCTAssertEqual(try next("1-10/3 * * * *", after: "2024-01-01T00:04Z"), "2024-01-01T00:07Z")
    XCTAssertEqual(try next("15,45 8,20 * jan,JUL *", after: "2024-01-31T20:45Z"), "2024-07-01T08:15Z")
    XCTAssertEqual(try next("0 0 * * 7", after: "2024-01-01T00:00Z"), "2024-01-07T00:00Z", "7 is Sunday")
    XCTAssertEqual(try next("5/20 * * * *", after: "2024-01-01T00:06Z"), "2024-01-01T00:25Z")
  }

  func testBothDayFieldsRestrictedMeansEither() throws {
    // Days 1-7 or Mondays: after Sunday 2024-01-07, Monday the 8th fires.
    XCTAssertEqual(try next("0 0 1-7 * MON", after: "2024-01-07T00:00Z"), "2024-01-08T00:00Z")
    XCTAssertEqual(try next("0 0 1-7 * MON", after: "2024-01-08T00:00Z"), "2024-01-15T00:00Z")
    // One field written `*`: both must hold. Friday the 13th of September 2024.
    XCTAssertEqual(try next("0 0 13 * FRI", after: "2024-01-01T00:00Z"), "2024-01-05T00:00Z")
    XCTAssertEqual(try next("0 0 13 * *", after: "2024-01-01T00:00Z"), "2024-01-13T00:00Z")
  }

  func testImpossibleAndRareDates() throws {
    XCTAssertNil(try next("0 0 30 2 *", after: "2024-01-01T00:00Z"))
    XCTAssertEqual(try next("0 0 29 2 *", after: "2024-03-01T00:00Z"), "2028-02-29T00:00Z")
    XCTAssertEqual(try next("0 0 31 * *", after: "2024-04-01T00:00Z"), "2024-05-31T00:00Z")
  }

  func testNextIsStrictlyAfterAndIgnoresSeconds() throws {
    XCTAssertEqual(try next("@daily", after: "2024-01-01T00:00Z"), "2024-01-02T00:00Z")
    XCTAssertEqual(try next("* * * * *", after: "2024-01-01T00:00:30Z"), "2024-01-01T00:01Z")
  }

  func testBadExpressionsNameTheField() {
    let cases: [(String, String)] = [
      ("0 25 * * *", "the hour field '25' is out of range 0-23"),
      ("61 * * * *", "the minute field '61' is out of range 0-59"),
      ("0 0 0 * *", "the day of month field '0' is out of range 1-31"),
      ("0 0 * 13 *", "the month field '13' is out of range 1-12"),
      ("0 0 * * 8", "the day of week field '8' is out of range 0-7"),
      ("0 0 * FOO *", "the month field 'FOO' is not a number or a name (JAN-DEC)"),
      ("0 0 * * MONDAY", "the day of week field 'MONDAY' is not a number or a name (SUN-SAT)"),
      ("*/0 * * * *", "the minute field '*/0' needs a step of at least 1"),
      ("0 5-2 * * *", "the hour field the range '5-2' goes backwards"),
      ("0 0 * *", "it has 4 fields where cron has five"),
      ("0 0 1 * * *", "it has 6 fields"),
      ("0 0,,1 * * *", "the hour field '0,,1' has an empty item"),
      ("0 0 L * *", "the day of month field 'L' is not a number"),
      ("daily", "did you mean the preset @daily (with its @)?"),
      ("Hourly", "did you mean the preset @hourly (with its @)?"),
      ("sometimes", "it has 1 fields where cron has five"),
    ]
    for (expression, fragment) in cases {
      XCTAssertThrowsError(try CronExpression(expression), expression) { error in
        let message = "\(error)"
        XCTAssertTrue(message.hasPrefix("bad cron expression '\(expression)'"), message)
        XCTAssertTrue(message.contains(fragment), "'\(fragment)' missing from: \(message)")
        XCTAssertFalse(message.contains("\n"))
      }
    }
  }

  /// Issue 20: `-1` split into an empty value, and the message named '' instead of what was typed.
  func testANegativeOrHalfRangeNamesWhatWasTyped() {
    for (expression, field, typed, values) in [
      ("-1 * * * *", "minute", "-1", "0-59"), ("0 5- * * *", "hour", "5-", "0-23"),
      ("0 0 * -3 *", "month", "-3", "1-12"),
    ] {
      XCTAssertThrowsError(try CronExpression(expression)) { error in
        XCTAssertEqual(
          "\(error)",
          "bad cron expression '\(expression)': the \(field) field '\(typed)' is not a value or a range such as 1-5 "
            + "(values are \(values))")
      }
    }
  }

  /// `previous(atOrBefore:)` and `count(from:through:)` against a walk with `next(after:)`, the
  /// reading the croniter fixture checks, over expressions of every kind.
  func testPreviousAndCountAgreeWithAWalkOfNext() throws {
    let expressions = [
      "* * * * *", "*/15 9-17 * * MON-FRI", "0 0 1-7 * MON", "0 0 29 2 *", "15,45 8,20 * jan,JUL *", "@weekly",
      "5/20 * * * *", "0 0 31 * *",
    ]
    let from = try time("2023-12-30T22:10:30Z")
    for text in expressions {
      let expression = try CronExpression(text)
      var ticks: [Date] = []
      var current = from
      while ticks.count < 12, let tick = expression.next(after: current) {
        ticks.append(tick)
        current = tick
      }
      for (index, tick) in ticks.enumerated() {
        XCTAssertEqual(expression.previous(atOrBefore: tick), tick, "\(text) at its tick \(tick)")
        let between = tick.addingTimeInterval(-1)
        let expected = index > 0 ? ticks[index - 1] : nil
        if let expected {
          XCTAssertEqual(expression.previous(atOrBefore: between), expected, "\(text) just before \(tick)")
          XCTAssertEqual(expression.count(from: ticks[0], through: between), index, "\(text) up to \(tick)")
        }
        XCTAssertEqual(expression.count(from: from, through: tick), index + 1, "\(text) through \(tick)")
      }
    }
    XCTAssertNil(try CronExpression("0 0 30 2 *").previous(atOrBefore: try time("2024-06-01T00:00Z")))
  }

  func testUnknownPresetListsTheKnownOnes() {
    XCTAssertThrowsError(try Schedule("@fortnightly")) { error in
      XCTAssertEqual(error as? ScheduleError, .unknownPreset("@fortnightly"))
      XCTAssertTrue("\(error)".contains("@once, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly"), "\(error)")
    }
  }
}
