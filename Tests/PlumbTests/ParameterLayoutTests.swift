import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore

/// Parameters mixed with plain properties of many layouts.
private struct Mixed: PipelineTask {
  var flag = true
  @Parameter(help: "a name") var name: String = "ann"
  var store = MemoryStore()
  @Parameter(help: "a count") var count: Int = 7
  var tuple: (Int8, String) = (1, "x")
  @Parameter(help: "a weight") var weight: Double = 0.5
  @Parameter(help: "a token", significant: false) var token: String = "secret"
  var optional: Int? = nil
  @Parameter(help: "a switch") var on: Bool = false

  func run() throws {}
}

/// A task that is a class, which the field metadata does not describe the same way; `--help`
/// still reads it, though a run refuses it. Unchecked Sendable: the test never shares it.
private final class ClassTask: PipelineTask, @unchecked Sendable {
  @Parameter(help: "n") var n: Int = 3
  init() {}
  func run() throws {}
}

final class ParameterLayoutTests: XCTestCase {
  private func read(_ task: any PipelineTask) -> [String] {
    ParameterSchema.parameters(of: task).map { "\($0.name)=\($0.parameter.text)" }
  }

  func testReadsEveryParameterInDeclarationOrderBetweenOtherProperties() {
    let task = Mixed(name: "bob", count: 42, weight: 2.25, token: "t", on: true)
    XCTAssertEqual(read(task), ["name=bob", "count=42", "weight=2.25", "token=t", "on=\(true.parameterText)"])
    XCTAssertEqual(TaskInfo(task).description, "Mixed(name=bob, count=42, weight=2.25, on=\(true.parameterText))")
  }

  func testReadsTheSameAsReflection() {
    let task = Mixed(name: "zed", count: -1)
    let reflected = Mirror(reflecting: task).children.compactMap { child -> String? in
      guard let label = child.label, label.hasPrefix("_"), let parameter = child.value as? any AnyParameter
      else { return nil }
      return "\(label.dropFirst())=\(parameter.text)"
    }
    XCTAssertEqual(read(task), reflected)
  }

  func testSeesValuesResolvedAfterTheTaskWasMade() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.familyValues = ["Mixed": ["count": "9"]]
    let result = try build([Mixed()], options: options)
    XCTAssertEqual(
      result.records.first?.info.description, "Mixed(name=ann, count=9, weight=0.5, on=\(false.parameterText))")
  }

  func testClassTasksAreReadToo() {
    let task = ClassTask()
    task.n = 11
    XCTAssertEqual(read(task), ["n=11"])
  }
}
