import Foundation
import Plumb
import XCTest

@testable import PlumbCore

final class DateParameterTests: XCTestCase {
  // MARK: - Day

  func testDayReadsAndWritesYearMonthDay() throws {
    let parsed = try day("2024-01-03")
    XCTAssertEqual([parsed.year, parsed.month, parsed.day], [2024, 1, 3])
    XCTAssertEqual(parsed.parameterText, "2024-01-03")
    XCTAssertEqual("\(parsed)", "2024-01-03")
    XCTAssertEqual(Day(year: 7, month: 8, day: 9)?.parameterText, "0007-08-09")
    XCTAssertEqual(Day(year: 9999, month: 12, day: 31)?.parameterText, "9999-12-31")
  }

  func testDayReadingIsStrict() {
    for text in [
      "2024-001-03", "2024-01-003", "24-01-03", "2024--3", "2024-1-", " 2024-01-03", "2024-01-03 ", "2024/01/03",
      "20240103", "2024-01-03T00",
      "", "today", "２０２４-01-03", "2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32", "2024-04-31",
      "0000-01-01",
    ] {
      XCTAssertNil(Day(parameterText: text), "'\(text)' must not read as a day")
    }
  }

  /// Luigi reads dates with Python's `strptime(text, "%Y-%m-%d")`, whose `%m` and `%d` take one
  /// digit or two; the value is written back, and names its task, in the two-digit form.
  func testOneDigitMonthsDaysAndHoursReadAsPythonsStrptimeReadsThem() throws {
    for (text, written) in [
      ("2024-1-3", "2024-01-03"), ("2024-01-3", "2024-01-03"), ("2024-1-03", "2024-01-03"), ("2024-12-9", "2024-12-09"),
    ] {
      XCTAssertEqual(Day(parameterText: text)?.parameterText, written, text)
      XCTAssertEqual(Day(parameterText: text), try day(written), text)
    }
    XCTAssertNil(Day(parameterText: "2023-2-29"))
    XCTAssertNil(Day(parameterText: "2024-1-0"))
    XCTAssertEqual(Month(parameterText: "2024-2")?.parameterText, "2024-02")
    XCTAssertEqual(DateHour(parameterText: "2024-1-3T7")?.parameterText, "2024-01-03T07")
    XCTAssertEqual(DateHour(parameterText: "2024-01-03T7")?.parameterText, "2024-01-03T07")
    // Luigi's date intervals have their own two-digit patterns.
    XCTAssertNil(DaySpan(parameterText: "2012-6-1"))
    XCTAssertNil(DaySpan(parameterText: "2012-6"))
  }

  /// Python's dates end with 9999-12-31, and so do Plumb's readable ones: every date a parameter
  /// reads, or an interval holds or ends at, can be written and read back.
  func testYearsOutsideOneThrough9999AreRefusedEverywhere() throws {
    for text in ["9999", "9999-12", "9999-W52", "9999-12-31"] {
      XCTAssertNil(DaySpan(parameterText: text), "'\(text)' would end in year 10000")
    }
    let last = try interval("9999-12-01-9999-12-31")
    XCTAssertEqual(last.end, try day("9999-12-31"))
    XCTAssertEqual(try interval("9999-12-30").end.parameterText, "9999-12-31")
    XCTAssertEqual(try interval("9999-11").end.parameterText, "9999-12-01")
    XCTAssertEqual(try interval("9999-W51").end.parameterText, "9999-12-27")
    XCTAssertEqual(try interval("0001").start.parameterText, "0001-01-01")
    XCTAssertEqual(try interval("0001-W01").start.parameterText, "0001-01-01")
    XCTAssertNil(try interval("9998").next)
    XCTAssertNil(try interval("9999-11").next)
    XCTAssertNil(try interval("9999-W51").next)
    XCTAssertNil(try interval("9999-12-30").next)
    XCTAssertNil(DaySpan(try XCTUnwrap(Year(9999))))
    XCTAssertNil(DaySpan(try XCTUnwrap(Month(year: 9999, month: 12))))
    XCTAssertNil(DaySpan(try day("9999-12-31")))
    XCTAssertNil(DaySpan(try day("0001-01-01").adding(days: -1)))
    XCTAssertNil(DaySpan(isoYear: 2012, week: .max), "a huge week number is refused, not overflowed")
    // Successors stop where writing stops, so a summary never prints an unreadable date.
    XCTAssertNil(try day("9999-12-31").successor)
    XCTAssertNil(Month(parameterText: "9999-12")?.successor)
    XCTAssertNil(Year(parameterText: "9999")?.successor)
    XCTAssertNil(DateHour(parameterText: "9999-12-31T23")?.successor)
    XCTAssertEqual(DateHour(parameterText: "9999-12-31T22")?.successor?.parameterText, "9999-12-31T23")
    for text in ["10000-01-01", "0000-12-31"] { XCTAssertNil(Day(parameterText: text)) }
    for text in ["10000", "0000"] { XCTAssertNil(Year(parameterText: text)) }
  }

  func testDayKnowsLeapYears() {
    XCTAssertNotNil(Day(parameterText: "2024-02-29"))
    XCTAssertNotNil(Day(parameterText: "2000-02-29"))
    XCTAssertNil(Day(parameterText: "2023-02-29"))
    XCTAssertNil(Day(parameterText: "1900-02-29"))
    XCTAssertNil(Day(parameterText: "2100-02-29"))
    XCTAssertNil(Day(year: 2024, month: 2, day: 30))
  }

  func testDayArithmeticCrossesMonthsYearsAndLeapDays() throws {
    XCTAssertEqual(try day("2024-02-28").adding(days: 1), try day("2024-02-29"))
    XCTAssertEqual(try day("2024-02-28").adding(days: 2), try day("2024-03-01"))
    XCTAssertEqual(try day("2023-02-28").adding(days: 1), try day("2023-03-01"))
    XCTAssertEqual(try day("2023-12-31").adding(days: 1), try day("2024-01-01"))
    XCTAssertEqual(try day("2024-01-01").adding(days: -1), try day("2023-12-31"))
    XCTAssertEqual(try day("2024-01-01").adding(days: 0), try day("2024-01-01"))
    XCTAssertEqual(try day("2024-01-01").days(until: try day("2025-01-01")), 366)
    XCTAssertEqual(try day("2023-01-01").days(until: try day("2024-01-01")), 365)
    XCTAssertEqual(try day("2024-03-01").days(until: try day("2024-02-01")), -29)
    XCTAssertEqual(try day("2024-01-03").successor, try day("2024-01-04"))
    XCTAssertEqual(try day("2024-12-31").successor, try day("2025-01-01"))
  }

  func testDayRangesAreSequences() throws {
    let start = try day("2024-02-27")
    XCTAssertEqual(
      (start..<start.adding(days: 4)).map(\.parameterText), ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"])
    XCTAssertEqual(Array(start...start).count, 1)
  }

  func testDayOrderAndIdentity() throws {
    XCTAssertLessThan(try day("2023-12-31"), try day("2024-01-01"))
    XCTAssertLessThan(try day("2024-01-31"), try day("2024-02-01"))
    XCTAssertLessThan(try day("2024-02-01"), try day("2024-02-02"))
    XCTAssertFalse(try day("2024-02-02") < day("2024-02-02"))
    XCTAssertEqual(Set([try day("2024-01-01"), try XCTUnwrap(Day(year: 2024, month: 1, day: 1))]).count, 1)
    let shuffled = ["2024-03-01", "2023-12-31", "2024-02-29", "2024-01-01"].compactMap(Day.init(parameterText:))
    XCTAssertEqual(shuffled.sorted().map(\.parameterText), ["2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01"])
  }

  func testDayConvertsToAndFromFoundationDatesInUTC() throws {
    XCTAssertEqual(Day(Date(timeIntervalSince1970: 0)), try day("1970-01-01"))
    XCTAssertEqual(Day(Date(timeIntervalSince1970: 86_399)), try day("1970-01-01"))
    XCTAssertEqual(Day(Date(timeIntervalSince1970: 86_400)), try day("1970-01-02"))
    XCTAssertEqual(Day(Date(timeIntervalSince1970: -1)), try day("1969-12-31"))
    XCTAssertEqual(try day("1970-01-02").date.timeIntervalSince1970, 86_400)
    XCTAssertEqual(try day("2024-01-03").date.timeIntervalSince1970, 1_704_240_000)
    // 23:30 UTC on 2024-01-03 is already 2024-01-04 two hours east of Greenwich.
    let lateEvening = Date(timeIntervalSince1970: 1_704_240_000 + 23.5 * 3600)
    XCTAssertEqual(Day(lateEvening), try day("2024-01-03"))
    XCTAssertEqual(Day(lateEvening, timeZone: try XCTUnwrap(TimeZone(secondsFromGMT: 7200))), try day("2024-01-04"))
    XCTAssertEqual(Day(Date(timeIntervalSince1970: .nan)), try day("1970-01-01"), "a NaN date must not crash")
    _ = Day(.distantFuture)
    _ = Day(Date(timeIntervalSince1970: 1e300))
  }

  func testDayAgreesWithFoundationsGregorianCalendar() throws {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try XCTUnwrap(TimeZone(secondsFromGMT: 0))
    // Every 7th day from 1600 to 2400 (centuries, leap rules and all weekdays in between).
    let first = try day("1600-01-01")
    for offset in stride(from: 0, to: 292_200, by: 7) {
      let current = first.adding(days: offset)
      let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: current.date)
      guard parts.year == current.year, parts.month == current.month, parts.day == current.day else {
        return XCTFail("\(current) is \(parts) to Foundation")
      }
      XCTAssertEqual(current.weekday, (try XCTUnwrap(parts.weekday) + 5) % 7 + 1, "weekday of \(current)")
      XCTAssertEqual(Day(current.date), current)
    }
  }

  func testDayWeekdayIsISO() throws {
    XCTAssertEqual(try day("2024-01-01").weekday, 1, "a Monday")
    XCTAssertEqual(try day("2024-01-07").weekday, 7, "a Sunday")
    XCTAssertEqual(try day("1970-01-01").weekday, 4, "a Thursday")
    XCTAssertEqual(try day("1969-12-29").weekday, 1, "a Monday before 1970")
  }

  func testDayRequiredMarkerIsNoReadableDay() {
    XCTAssertEqual(Day.placeholder.parameterText, "0000-00-00")
    XCTAssertNil(Day(parameterText: Day.placeholder.parameterText))
  }

  // MARK: - Month, Year, DateHour

  func testMonth() throws {
    let february = try XCTUnwrap(Month(parameterText: "2024-02"))
    XCTAssertEqual(february.parameterText, "2024-02")
    XCTAssertEqual(february.days.count, 29)
    XCTAssertEqual(february.days.first, try day("2024-02-01"))
    XCTAssertEqual(february.days.last, try day("2024-02-29"))
    XCTAssertEqual(Month(parameterText: "2023-02")?.days.count, 28)
    XCTAssertEqual(Month(parameterText: "2024-12")?.successor?.parameterText, "2025-01")
    XCTAssertEqual(february.adding(months: -2).parameterText, "2023-12")
    XCTAssertEqual(february.adding(months: -14).parameterText, "2022-12")
    XCTAssertEqual(february.adding(months: 23).parameterText, "2026-01")
    XCTAssertTrue(february.contains(try day("2024-02-29")))
    XCTAssertFalse(february.contains(try day("2023-02-01")))
    XCTAssertEqual(Month(try day("2024-02-10")), february)
    XCTAssertLessThan(try XCTUnwrap(Month(parameterText: "2023-12")), february)
    for text in ["2024-002", "2024-13", "2024-00", "2024-0", "2024-02-01", "2024", "0000-01", "", "2024-W02"] {
      XCTAssertNil(Month(parameterText: text), "'\(text)' must not read as a month")
    }
    XCTAssertNil(Month(parameterText: Month.placeholder.parameterText))
  }

  func testYear() throws {
    let year = try XCTUnwrap(Year(parameterText: "2024"))
    XCTAssertEqual(year.value, 2024)
    XCTAssertEqual(year.parameterText, "2024")
    XCTAssertEqual(year.days.count, 366)
    XCTAssertEqual(Year(parameterText: "1900")?.days.count, 365)
    XCTAssertEqual(Year(parameterText: "2000")?.days.count, 366)
    XCTAssertEqual(year.months.map(\.parameterText).first, "2024-01")
    XCTAssertEqual(year.months.map(\.parameterText).last, "2024-12")
    XCTAssertEqual(year.months.count, 12)
    XCTAssertEqual(year.successor?.parameterText, "2025")
    XCTAssertTrue(year.contains(try day("2024-12-31")))
    XCTAssertEqual(Year(7)?.parameterText, "0007")
    for text in ["24", "02024", "0000", "20x4", "2024-01", ""] {
      XCTAssertNil(Year(parameterText: text), "'\(text)' must not read as a year")
    }
    XCTAssertNil(Year(parameterText: Year.placeholder.parameterText))
  }

  func testDateHour() throws {
    let hour = try XCTUnwrap(DateHour(parameterText: "2024-01-03T07"))
    XCTAssertEqual(hour.day, try day("2024-01-03"))
    XCTAssertEqual(hour.hour, 7)
    XCTAssertEqual(hour.parameterText, "2024-01-03T07")
    XCTAssertEqual(DateHour(parameterText: "2024-01-03T23")?.successor?.parameterText, "2024-01-04T00")
    XCTAssertEqual(DateHour(parameterText: "2024-03-01T00")?.adding(hours: -1).parameterText, "2024-02-29T23")
    XCTAssertEqual(hour.adding(hours: 48).parameterText, "2024-01-05T07")
    XCTAssertEqual(hour.date.timeIntervalSince1970, 1_704_240_000 + 7 * 3600)
    XCTAssertEqual(DateHour(Date(timeIntervalSince1970: 1_704_240_000 + 7 * 3600 + 3599)), hour)
    XCTAssertLessThan(hour, try XCTUnwrap(DateHour(parameterText: "2024-01-03T08")))
    for text in [
      "2024-01-03T24", "2024-01-03T007", "2024-01-03T", "2024-01-03 07", "2024-01-03", "2024-02-30T01",
      "2024-01-03T07:00",
    ] {
      XCTAssertNil(DateHour(parameterText: text), "'\(text)' must not read as a date and hour")
    }
    XCTAssertNil(DateHour(parameterText: DateHour.placeholder.parameterText))
  }

  // MARK: - DaySpan

  func testDaySpanYearForm() throws {
    let year = try interval("2012")
    XCTAssertEqual(year.form, .year)
    XCTAssertEqual(year.parameterText, "2012")
    XCTAssertEqual(year.start, try day("2012-01-01"))
    XCTAssertEqual(year.end, try day("2013-01-01"))
    XCTAssertEqual(year.days.count, 366, "2012 is a leap year")
    XCTAssertEqual(try interval("2013").days.count, 365)
  }

  func testDaySpanMonthForm() throws {
    let june = try interval("2012-06")
    XCTAssertEqual(june.form, .month)
    XCTAssertEqual(june.parameterText, "2012-06")
    XCTAssertEqual(june.days.first, try day("2012-06-01"))
    XCTAssertEqual(june.days.last, try day("2012-06-30"))
    XCTAssertEqual(june.days.count, 30)
    XCTAssertEqual(june.end, try day("2012-07-01"))
    XCTAssertEqual(try interval("2012-02").days.count, 29)
    XCTAssertEqual(try interval("2100-02").days.count, 28)
  }

  func testDaySpanISOWeekForm() throws {
    let week = try interval("2012-W12")
    XCTAssertEqual(week.form, .week)
    XCTAssertEqual(week.parameterText, "2012-W12")
    XCTAssertEqual(week.days.map(\.parameterText), (19...25).map { "2012-03-\($0)" })
    XCTAssertEqual(week.start.weekday, 1, "weeks start on Monday")
    // ISO weeks belong to the year of their Thursday.
    XCTAssertEqual(try interval("2009-W01").start, try day("2008-12-29"))
    XCTAssertEqual(try interval("2009-W53").days.last, try day("2010-01-03"))
    XCTAssertEqual(try interval("2015-W53").start, try day("2015-12-28"))
    XCTAssertEqual(try interval("2021-W01").start, try day("2021-01-04"))
    for text in ["2016-W53", "2012-W00", "2012-W54", "2012-W1", "2012-w12", "2012W12"] {
      XCTAssertNil(DaySpan(parameterText: text), "'\(text)' must not read as a week")
    }
  }

  func testDaySpanWeeksAgreeWithFoundationsISOCalendar() throws {
    var calendar = Calendar(identifier: .iso8601)
    calendar.timeZone = try XCTUnwrap(TimeZone(secondsFromGMT: 0))
    let first = try day("1990-01-01")
    for offset in stride(from: 0, to: 20_000, by: 3) {
      let current = first.adding(days: offset)
      let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: current.date)
      let week = try XCTUnwrap(
        DaySpan(isoYear: try XCTUnwrap(parts.yearForWeekOfYear), week: try XCTUnwrap(parts.weekOfYear)))
      guard week.contains(current), week.days.count == 7 else {
        return XCTFail("\(current) should be in \(week) (\(week.start)..<\(week.end))")
      }
    }
  }

  func testDaySpanDayForm() throws {
    let single = try interval("2012-06-01")
    XCTAssertEqual(single.form, .day)
    XCTAssertEqual(single.parameterText, "2012-06-01")
    XCTAssertEqual(single.days, [try day("2012-06-01")])
    XCTAssertEqual(try interval("2012-02-29").end, try day("2012-03-01"))
  }

  func testDaySpanCustomFormExcludesItsEnd() throws {
    let custom = try interval("2012-06-01-2012-06-30")
    XCTAssertEqual(custom.form, .custom)
    XCTAssertEqual(custom.parameterText, "2012-06-01-2012-06-30")
    XCTAssertEqual(custom.days.count, 29)
    XCTAssertEqual(custom.days.last, try day("2012-06-29"))
    XCTAssertFalse(custom.contains(try day("2012-06-30")))
    XCTAssertTrue(custom.contains(try day("2012-06-01")))
    XCTAssertFalse(custom.contains(try day("2012-05-31")))
    XCTAssertEqual(try interval("2012-02-28-2012-03-01").days.count, 2, "across a leap day")
    XCTAssertEqual(try interval("2011-12-31-2012-01-02").days.map(\.parameterText), ["2011-12-31", "2012-01-01"])
  }

  func testDaySpanRefusesOtherText() {
    for text in [
      "", "2012-13", "2012-06-31", "2012-6", "June 2012", "2012-06-30-2012-06-01", "2012-06-01-2012-06-01",
      "2012-06-01-2012-6-30", "2012-06-01 2012-06-30", "2012-06-01-2012-06-31", " 2012", "0000",
    ] {
      XCTAssertNil(DaySpan(parameterText: text), "'\(text)' must not read as a date interval")
    }
    XCTAssertNil(DaySpan(parameterText: DaySpan.placeholder.parameterText))
  }

  func testDaySpanNextKeepsTheForm() throws {
    XCTAssertEqual(try interval("2012").next?.parameterText, "2013")
    XCTAssertEqual(try interval("2012-12").next?.parameterText, "2013-01")
    XCTAssertEqual(try interval("2012-W12").next?.parameterText, "2012-W13")
    XCTAssertEqual(try interval("2015-W53").next?.parameterText, "2016-W01")
    XCTAssertEqual(try interval("2012-02-29").next?.parameterText, "2012-03-01")
    XCTAssertNil(try interval("2012-06-01-2012-06-30").next)
  }

  /// Luigi's DateIntervalParameter has no next_in_enumeration, so its summaries never range
  /// intervals; the successor is what Plumb's summary ranges by.
  func testDaySpanHasNoSuccessor() throws {
    for text in ["2012", "2012-12", "2012-W12", "2012-02-29", "2012-06-01-2012-06-30"] {
      XCTAssertNil(try interval(text).successor, text)
    }
  }

  func testDaySpansWithTheSameDaysButDifferentFormsAreDifferent() throws {
    let month = try interval("2012-06")
    let custom = try interval("2012-06-01-2012-07-01")
    XCTAssertEqual(month.days, custom.days)
    XCTAssertNotEqual(month, custom)
    XCTAssertEqual(Set([month, custom, try interval("2012-06")]).count, 2)
    XCTAssertEqual(
      ["2012-07", "2012-06-01-2012-07-01", "2012", "2012-06"].compactMap(DaySpan.init(parameterText:)).sorted()
        .map(\.parameterText), ["2012", "2012-06", "2012-06-01-2012-07-01", "2012-07"])
  }

  func testDaySpanInitializers() throws {
    XCTAssertEqual(DaySpan(try XCTUnwrap(Year(2012))), try interval("2012"))
    XCTAssertEqual(DaySpan(try XCTUnwrap(Month(year: 2012, month: 6))), try interval("2012-06"))
    XCTAssertEqual(DaySpan(try day("2012-06-01")), try interval("2012-06-01"))
    XCTAssertEqual(DaySpan(isoYear: 2012, week: 12), try interval("2012-W12"))
    XCTAssertEqual(
      DaySpan(from: try day("2012-06-01"), to: try day("2012-06-30")), try interval("2012-06-01-2012-06-30"))
    XCTAssertNil(DaySpan(from: try day("2012-06-01"), to: try day("2012-06-01")))
  }
}
