import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Parameters every report shares, declared once in a base class, as Luigi pipelines often do.
private class DailyReport: Task {
  @Parameter(help: "the day to report on") var date: Day = .required
  required init() {}
  func output() -> LocalTarget { LocalTarget("\(Self.family)-\(date).txt") }
  func run() throws { try output().write("\(TaskInfo(self))") }
}

/// A report with one parameter of its own, and the base class's.
private final class SalesReport: DailyReport {
  @Parameter(help: "the shop") var shop: String = "main"
}

final class TaskIdentityTests: XCTestCase {
  func testAClassTaskHasTheParametersItInherits() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[SalesReport]\ndate = 2024-01-03\n", to: "plumb.cfg")
    let other = SalesReport()
    other.date = try day("2024-01-04")
    other.shop = "north"

    let result = try build([SalesReport(), other], options: folder.options(readingConfigFiles: true))

    XCTAssertEqual(
      result.records.map(\.info.description),
      ["SalesReport(date=2024-01-03, shop=main)", "SalesReport(date=2024-01-04, shop=north)"])
    XCTAssertEqual(folder.files(), ["SalesReport-2024-01-03.txt", "SalesReport-2024-01-04.txt", "plumb.cfg"])
  }

  func testTheCommandLineSetsAnInheritedParameter() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var errors: [String] = []
    let code = PipelineCommand(name: "reports", tasks: [SalesReport.self]).run(
      arguments: ["SalesReport", "--date", "2024-01-05", "--no-lock", "--quiet"], workingDirectory: folder.path,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    XCTAssertEqual(errors, [])
    XCTAssertEqual(code, 0)
    XCTAssertEqual(folder.contents(of: "SalesReport-2024-01-05.txt"), "SalesReport(date=2024-01-05, shop=main)")
  }
}
