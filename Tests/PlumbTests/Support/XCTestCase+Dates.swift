import Plumb
import XCTest

extension XCTestCase {
  /// The day `text` names (`2022-02-03`); a test fails, rather than crashes, on a typing error.
  func day(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Day {
    try XCTUnwrap(Day(parameterText: text), "\(text) should read as a day", file: file, line: line)
  }

  /// The date interval `text` names (`2022-02`, `2012-W12`).
  func interval(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> DaySpan {
    try XCTUnwrap(DaySpan(parameterText: text), "\(text) should read as a date interval", file: file, line: line)
  }
}
