import XCTest

@testable import Plumb

final class SmokeTests: XCTestCase {
  func testHello() throws {
    struct Hello: Task { func run() throws {} }
    let result = try build([Hello()])
    XCTAssertEqual(result.records.count, 1)
  }
}
