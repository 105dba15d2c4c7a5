import Plumb
import XCTest

@testable import PlumbCore

// Expected ids below marked "computed with Luigi 3.8.1" were obtained by running the same tasks
// through `luigi` 3.8.1 (pip, in a venv under .build-luigi) and printing `task.task_id`; the others
// come from /work/shared/reference/luigi-behaviour.md section 2.

private struct Hello: PipelineTask {
  func run() {}
}

private struct B: PipelineTask {
  @Parameter var n: Int = .required
  func run() {}
}

private struct Clean: PipelineTask {
  @Parameter var day: Day = .required
  @Parameter var flag: Bool = false
  @Parameter var n: Int = 0
  @Parameter var name: String = ""
  func run() {}
}

/// Named as in the Luigi task the ids were computed with: the name is part of the hashed JSON.
private struct Agg: PipelineTask {
  @Parameter var date_interval: DaySpan = .required
  func run() {}
}

private struct M: PipelineTask {
  @Parameter var month: Month = .required
  @Parameter var year: Year = .required
  @Parameter var hour: DateHour = .required
  func run() {}
}

private struct FloatsAndInts: PipelineTask {
  static var family: String { "F" }
  @Parameter var x: Double = 0
  @Parameter var xs: [Int] = []
  func run() {}
}

private struct FloatsAndStrings: PipelineTask {
  static var family: String { "F" }
  @Parameter var x: Double = 0
  @Parameter var xs: [String] = []
  func run() {}
}

private struct U: PipelineTask {
  @Parameter var text: String = .required
  @Parameter(significant: false) var secret: String = "pw"
  func run() {}
}

private struct P: PipelineTask {
  @Parameter var b: String = ""
  @Parameter var a: String = ""
  @Parameter var d: String = ""
  @Parameter var c: String = ""
  func run() {}
}

final class TaskInfoTests: XCTestCase {
  func testIdsFromTheReference() throws {
    XCTAssertEqual(TaskInfo(Hello()).id, "Hello__99914b932b")
    XCTAssertEqual(TaskInfo(Hello()).description, "Hello()")
    XCTAssertEqual(TaskInfo(B(n: 1)).id, "B_1_f4fe3360f0")
    let clean = Clean(day: try XCTUnwrap(Day(year: 2022, month: 2, day: 3)), flag: false, n: 3, name: "a b/c")
    XCTAssertEqual(TaskInfo(clean).id, "Clean_2022_02_03_False_3_6cda1b9c9c")
    XCTAssertEqual(TaskInfo(clean).description, "Clean(day=2022-02-03, flag=False, n=3, name=a b/c)")
  }

  func testIdsOfDateTypesMatchLuigi() throws {
    func aggregateId(_ text: String) throws -> String {
      TaskInfo(Agg(date_interval: try XCTUnwrap(DaySpan(parameterText: text)))).id
    }
    // Computed with Luigi 3.8.1.
    XCTAssertEqual(try aggregateId("2012-W12"), "Agg_2012_W12_03aad6aa57")
    XCTAssertEqual(try aggregateId("2012-06-01-2012-06-30"), "Agg_2012_06_01_2012__bfaf208b68")
    XCTAssertEqual(try aggregateId("2022-02"), "Agg_2022_02_830fba7fed")
    let task = M(
      month: try XCTUnwrap(Month(year: 2024, month: 1)), year: try XCTUnwrap(Year(2024)),
      hour: try XCTUnwrap(DateHour(year: 2024, month: 1, day: 3, hour: 7)))
    XCTAssertEqual(TaskInfo(task).id, "M_2024_01_03T07_2024_01_2024_ed38c88425")  // computed with Luigi 3.8.1
  }

  func testIdsOfFloatsAndListsMatchLuigi() {
    // Computed with Luigi 3.8.1: F(x=0.5, xs=[1, 2]) and F(x=1.0, xs=["a", "b"]).
    XCTAssertEqual(TaskInfo(FloatsAndInts(x: 0.5, xs: [1, 2])).id, "F_0_5__1__2__332231856d")
    XCTAssertEqual(TaskInfo(FloatsAndStrings(x: 1.0, xs: ["a", "b"])).id, "F_1_0___a____b___ae3bbe8a49")
    XCTAssertEqual(TaskInfo(FloatsAndInts(x: 0.5, xs: [1, 2])).description, "F(x=0.5, xs=[1, 2])")
  }

  func testIdsOfAwkwardTextMatchLuigi() {
    // Computed with Luigi 3.8.1. Luigi cuts each value to 16 code points and hashes JSON with
    // \u escapes; a Swift Character may hold several code points ("\r\n", "e" + accent).
    let expected: [(String, String)] = [
      ("Grüße, \"du\"\n and a very long tail", "U_Gr__e___du___and_77ef15900e"),
      (String(repeating: "e\u{301}", count: 10), "U_e_e_e_e_e_e_e_e__05e09dfb5c"),
      ("a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng", "U_a__b__c__d__e__f_42c3ff8cb1"),
      ("emoji \u{1F600} ok", "U_emoji___ok_938f58daf2"),
      ("", "U__b3fb42a1a7"),
      ("tab\there", "U_tab_here_2157953755"),
    ]
    for (text, id) in expected {
      XCTAssertEqual(TaskInfo(U(text: text)).id, id, "id of U(text=\(text.debugDescription))")
    }
  }

  func testInsignificantParametersAreNotPartOfIdentity() {
    let plain = U(text: "x")
    let other = U(text: "x", secret: "other")
    XCTAssertEqual(TaskInfo(plain), TaskInfo(other))
    XCTAssertEqual(TaskInfo(plain).id, TaskInfo(other).id)
    XCTAssertEqual(TaskInfo(other).description, "U(text=x)")
    XCTAssertEqual(TaskInfo(other).parameters.map(\.name), ["text"])
    XCTAssertNotEqual(TaskInfo(U(text: "y")).id, TaskInfo(plain).id)
  }

  func testTextFormKeepsDeclarationOrderWhileTheIdSortsByName() {
    let task = P(b: "2", a: "1", d: "4", c: "3")
    XCTAssertEqual(TaskInfo(task).description, "P(b=2, a=1, d=4, c=3)")
    XCTAssertEqual(TaskInfo(task).id, "P_1_2_3_74a9631156")  // computed with Luigi 3.8.1
  }

  func testParametersCarryTheirSuccessors() throws {
    XCTAssertEqual(TaskInfo(B(n: 41)).parameters.first?.successor, "42")
    XCTAssertNil(TaskInfo(U(text: "x")).parameters.first?.successor)
    // Intervals have a next interval, but like Luigi's no successor for the summary to range by.
    let week = Agg(date_interval: try XCTUnwrap(DaySpan(parameterText: "2012-W12")))
    XCTAssertNil(TaskInfo(week).parameters.first?.successor)
  }
}
