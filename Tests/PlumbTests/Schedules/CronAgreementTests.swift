import Foundation
import Plumb
import XCTest

@testable import PlumbSchedules

/// Plumb's cron against croniter, the cron implementation Airflow uses: the fixture holds, for a
/// few hundred expressions and four start times, the next three times croniter fires
/// (Tests/Fixtures/cron/make_cron_fixture.py writes it; `make cron-fixture` checks it is current).
final class CronAgreementTests: XCTestCase {
  func testEveryFixtureRowAgreesWithCroniter() throws {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Fixtures/cron/cron-next.tsv").standardizedFileURL
    let text = try String(contentsOf: fixture, encoding: .utf8)
    var rows = 0
    var expressions = Set<String>()
    var disagreements: [String] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let columns = line.split(separator: "\t").map(String.init)
      XCTAssertEqual(columns.count, 5, "a fixture row has five columns: \(line)")
      guard columns.count == 5 else { continue }
      rows += 1
      expressions.insert(columns[0])
      let cron = try CronExpression(columns[0])
      var current = try XCTUnwrap(DataInterval.instant(columns[1] + "Z"), columns[1])
      var found: [String] = []
      for _ in 0..<3 {
        guard let next = cron.next(after: current) else { break }
        found.append(String(DataInterval.text(next).dropLast()))
        current = next
      }
      let expected = columns[2...].map { $0.hasSuffix(":00") ? String($0.dropLast(3)) : $0 }
      if found != Array(expected) {
        disagreements.append("\(columns[0]) from \(columns[1]): croniter \(expected), Plumb \(found)")
      }
    }
    XCTAssertGreaterThanOrEqual(rows, 1000, "the fixture should hold over a thousand rows")
    XCTAssertGreaterThanOrEqual(expressions.count, 300)
    XCTAssertEqual(disagreements, [], "\(disagreements.count) of \(rows) rows disagree")
  }
}
