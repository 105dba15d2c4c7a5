/// Arithmetic on the proleptic Gregorian calendar, in whole days counted from 1970-01-01.
///
/// Plain integer arithmetic (Howard Hinnant's civil-date algorithms) rather than Foundation's
/// `Calendar`: it is exact for every year, needs no time zone, and costs nothing per task.
package enum GregorianCalendar {
  /// The years a date parameter accepts, as Python's `datetime.date` does.
  static let years = 1...9999

  static func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  static func numberOfDays(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Whether the date exists, within the years date parameters accept.
  static func isValid(year: Int, month: Int, day: Int) -> Bool {
    years.contains(year) && (1...12).contains(month) && (1...numberOfDays(year: year, month: month)).contains(day)
  }

  /// Days from 1970-01-01 to the date (negative before it).
  package static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `dayNumber` days after 1970-01-01.
  package static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = dayNumber + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// The ISO 8601 weekday: 1 for Monday through 7 for Sunday.
  package static func isoWeekday(dayNumber: Int) -> Int {
    // 1970-01-01 was a Thursday (4).
    let fromMonday = (dayNumber + 3) % 7
    return (fromMonday < 0 ? fromMonday + 7 : fromMonday) + 1
  }

  /// The day number of the Monday that starts week 1 of an ISO week-numbering year: the week with
  /// the year's first Thursday in it, which always holds January 4.
  static func firstMonday(isoYear: Int) -> Int {
    let january4 = dayNumber(year: isoYear, month: 1, day: 4)
    return january4 - (isoWeekday(dayNumber: january4) - 1)
  }

  /// The ISO week-numbering year and week of a day: 2008-12-29 is in week 1 of 2009.
  static func isoWeek(dayNumber: Int) -> (year: Int, week: Int) {
    let monday = dayNumber - (isoWeekday(dayNumber: dayNumber) - 1)
    // The Thursday of a week decides which year the week belongs to.
    let year = date(dayNumber: monday + 3).year
    return (year, (monday - firstMonday(isoYear: year)) / 7 + 1)
  }
}
