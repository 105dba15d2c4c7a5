import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbReporting

/// Requires a failing chain, a task waiting on missing external data, and a complete task.
struct GraphTop: WrapperTask {
  func requires() -> AllOf<GraphBroken, GraphNeedsSource, GraphDone> {
    AllOf(GraphBroken(), GraphNeedsSource(), GraphDone())
  }
}

struct GraphBase: PipelineTask {
  func output() -> LocalTarget { LocalTarget("base.txt") }
  func run() throws { try output().write("base") }
}

/// Fails; its parameter's value holds characters every format must escape.
struct GraphBroken: PipelineTask {
  @Parameter(help: "a label") var label: String = "a<b & \"c\""
  func requires() -> GraphBase { GraphBase() }
  func output() -> LocalTarget { LocalTarget("broken.txt") }
  func run() throws { throw GraphFailure("broken <on> purpose") }
}

struct GraphSource: ExternalTask {
  func output() -> LocalTarget { LocalTarget("source.txt") }
}

struct GraphNeedsSource: PipelineTask {
  func requires() -> GraphSource { GraphSource() }
  func output() -> LocalTarget { LocalTarget("needs-source.txt") }
  func run() throws { try output().write("never") }
}

/// Complete before the run: the test writes done.txt.
struct GraphDone: PipelineTask {
  func output() -> LocalTarget { LocalTarget("done.txt") }
  func run() throws { try output().write("done") }
}

struct GraphFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

final class GraphTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try freshFolder()
  }

  /// An empty folder but for GraphDone's output.
  private func freshFolder() throws -> TemporaryFolder {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("done", to: "done.txt")
    return folder
  }

  /// Runs GraphTop in the test's folder.
  private func runGraphTop() throws -> RunResult {
    try build([GraphTop()], options: folder.options())
  }

  private let brokenName = "GraphBroken(label=a<b & \"c\")"

  private let expectedDOT = #"""
    digraph Plumb {
      rankdir=LR;
      node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];
      edge [color="#8a8a8a", arrowsize=0.7];
      "GraphTop()" [label="GraphTop()", fillcolor="#fb8c00", color="#b35c00", fontcolor="#2e1600", tooltip="had failed dependencies (upstream failed)"];
      "GraphBroken(label=a<b & \"c\")" [label="GraphBroken(label=a<b & \"c\")", fillcolor="#e53935", color="#a31f1c", fontcolor="#ffffff", tooltip="failed: broken <on> purpose"];
      "GraphNeedsSource()" [label="GraphNeedsSource()", fillcolor="#ffca28", color="#c79a00", fontcolor="#3d2f00", tooltip="pending"];
      "GraphDone()" [label="GraphDone()", fillcolor="#c8e6c9", color="#66bb6a", fontcolor="#1b4d20", tooltip="already complete"];
      "GraphBase()" [label="GraphBase()", fillcolor="#43a047", color="#2e7031", fontcolor="#ffffff", tooltip="ran successfully"];
      "GraphSource()" [label="GraphSource()", fillcolor="#bdbdbd", color="#757575", fontcolor="#212121", tooltip="missing external data"];
      "GraphBroken(label=a<b & \"c\")" -> "GraphTop()";
      "GraphNeedsSource()" -> "GraphTop()";
      "GraphDone()" -> "GraphTop()";
      "GraphBase()" -> "GraphBroken(label=a<b & \"c\")";
      "GraphSource()" -> "GraphNeedsSource()";
    }

    """#

  // MARK: - Text forms

  func testDOTOfARunWithAFailureAndMissingData() throws {
    let result = try runGraphTop()
    XCTAssertEqual(DependencyGraph(result).dot, expectedDOT)
  }

  func testMermaidOfARunWithAFailureAndMissingData() throws {
    let result = try runGraphTop()
    let expected = """
      flowchart LR
        classDef alreadyComplete fill:#c8e6c9,stroke:#66bb6a,color:#1b4d20
        classDef succeeded fill:#43a047,stroke:#2e7031,color:#ffffff
        classDef failed fill:#e53935,stroke:#a31f1c,color:#ffffff
        classDef upstreamFailed fill:#fb8c00,stroke:#b35c00,color:#2e1600
        classDef pending fill:#ffca28,stroke:#c79a00,color:#3d2f00
        classDef missingExternal fill:#bdbdbd,stroke:#757575,color:#212121
        t0["GraphTop()"]:::upstreamFailed
        t1["GraphBroken(label=a#60;b #38; #34;c#34;)"]:::failed
        t2["GraphNeedsSource()"]:::pending
        t3["GraphDone()"]:::alreadyComplete
        t4["GraphBase()"]:::succeeded
        t5["GraphSource()"]:::missingExternal
        t1 --> t0
        t2 --> t0
        t3 --> t0
        t4 --> t1
        t5 --> t2

      """
    XCTAssertEqual(DependencyGraph(result).mermaid, expected)
  }

  func testTextFormsEscapeLineBreaksAndTheirOwnSyntax() {
    let odd = task("Odd", ("note", "line\none"), ("path", "C:\\x"), ("tag", "#1 `x`"))
    let graph = DependencyGraph(Self.result([record(odd)]))
    XCTAssertTrue(graph.dot.contains(#""Odd(note=line\none, path=C:\\x, tag=#1 `x`)" [label="#), graph.dot)
    XCTAssertTrue(graph.mermaid.contains(#"t0["Odd(note=line one, path=C:\x, tag=#35;1 #96;x#96;)"]"#), graph.mermaid)
  }

  // MARK: - The picture

  func testPageDrawsEveryTaskInItsStatusColourWithALegendAndTheSummary() throws {
    let result = try runGraphTop()
    let html = DependencyGraph(result).html
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 1)
    XCTAssertEqual(html.components(separatedBy: "<g class=\"task ").count - 1, result.records.count)
    XCTAssertFalse(html.contains("<script"), "the page must work without scripts")
    for (status, fill) in [
      ("failed", "#e53935"), ("succeeded", "#43a047"), ("pending", "#ffca28"), ("missingExternal", "#bdbdbd"),
      ("alreadyComplete", "#c8e6c9"), ("upstreamFailed", "#fb8c00"),
    ] {
      XCTAssertTrue(html.contains("<g class=\"task \(status)\">"), "no \(status) box")
      XCTAssertTrue(html.contains("fill=\"\(fill)\""), "no \(status) colour \(fill)")
    }
    let legendStart = try XCTUnwrap(html.range(of: "<g class=\"legend\">")).upperBound
    let legendEnd = try XCTUnwrap(html[legendStart...].range(of: "</g>")).lowerBound
    let legendText = html[legendStart..<legendEnd]
    for entry in [
      "already complete (1)", "ran successfully (1)", "failed (1)", "pending (1)", "missing external data (1)",
      "had failed dependencies (upstream failed) (1)",
    ] {
      XCTAssertTrue(legendText.contains(">\(entry)</text>"), "legend lacks \(entry)")
    }
    XCTAssertFalse(legendText.contains("failed scheduling"), "the legend lists only statuses that occur")
    XCTAssertTrue(html.contains(">GraphBroken(label=a&lt;b &amp; &quot;c&quot;)</text>"))
    XCTAssertFalse(html.contains("a<b"), "an unescaped label")
    // HTML drops a newline right after <pre>, so the summary's leading one shows as nothing.
    XCTAssertTrue(html.contains("<pre class=\"summary\">\n===== Plumb Execution Summary =====\n"))
    XCTAssertTrue(html.contains("Scheduled 6 tasks of which:"))
    XCTAssertTrue(html.contains("    - GraphBroken(label=a&lt;b &amp; &quot;c&quot;): broken &lt;on&gt; purpose"))
  }

  func testSVGIsWellFormedXMLWithTheFullNameAndReasonInEachTooltip() throws {
    let result = try runGraphTop()
    let svg = DependencyGraph(result).svg
    let reading = try SVGReading(svg)
    XCTAssertEqual(
      reading.taskClasses.sorted(),
      ["alreadyComplete", "failed", "missingExternal", "pending", "succeeded", "upstreamFailed"])
    XCTAssertTrue(
      reading.titles.contains("\(brokenName)\nfailed: broken <on> purpose"), "titles: \(reading.titles)")
    XCTAssertTrue(reading.texts.contains(brokenName), "texts: \(reading.texts)")
  }

  func testLongNamesAreCutInTheBoxAndWholeInTheTooltip() throws {
    let long = task("Long", ("name", String(repeating: "x", count: 100)))
    let graph = DependencyGraph(Self.result([record(long, error: "bad", status: .failed)]))
    let reading = try SVGReading(graph.svg)
    let text = try XCTUnwrap(reading.texts.first { $0.hasPrefix("Long(") })
    XCTAssertTrue(text.hasSuffix("…"))
    XCTAssertLessThan(text.count, long.description.count)
    XCTAssertTrue(long.description.hasPrefix(text.dropLast()))
    XCTAssertTrue(reading.titles.contains("\(long)\nfailed: bad"), "titles: \(reading.titles)")
  }

  func testControlCharactersCannotBreakTheSVG() throws {
    let graph = DependencyGraph(Self.result([record(task("Odd", ("x", "\u{1}\u{8}y")))]))
    XCTAssertNoThrow(try SVGReading(graph.svg))
  }

  func testEachTaskSitsInTheColumnOfItsLongestRequirementPath() {
    // 0 requires 1 and 3; 1 requires 2; 2 requires 3: 0's longest path has three steps.
    let layout = LayeredLayout(requirements: [[1, 3], [2], [3], []])
    XCTAssertEqual(layout.columns, [3, 2, 1, 0])
    // A fan-in: the two leaves share column 0, one above the other.
    let fan = LayeredLayout(requirements: [[1, 2], [], []])
    XCTAssertEqual(fan.columns, [1, 0, 0])
    XCTAssertEqual(fan.members, [[1, 2], [0]])
    XCTAssertEqual(Set([fan.rows[1], fan.rows[2]]), [0, 1])
  }

  func testABigGraphDrawsOnlyTheFirstTasksAndSaysSo() {
    // A fan-in tree: a root, 1,000 groups, 99 leaves under each: 100,001 tasks.
    let groups = (0..<1_000).map { task("Group", ("i", String($0))) }
    var records = [record(task("Root"), requiring: groups)]
    for (number, group) in groups.enumerated() {
      let leaves = (0..<99).map { task("Leaf", ("g", String(number)), ("i", String($0))) }
      records.append(record(group, requiring: leaves))
      records += leaves.map { record($0, status: .alreadyComplete) }
    }
    let graph = DependencyGraph(Self.result(records))
    let html = graph.html
    XCTAssertEqual(html.components(separatedBy: "<g class=\"task ").count - 1, DependencyGraph.defaultDrawingLimit)
    XCTAssertTrue(html.contains("Showing the first 2,000 of 100,001 tasks"))
    XCTAssertEqual(graph.dot.components(separatedBy: " -> ").count - 1, 100_000)
    XCTAssertEqual(graph.mermaid.components(separatedBy: " --> ").count - 1, 100_000)

    let small = DependencyGraph(Self.result(Array(records.prefix(5))), drawingLimit: 3)
    XCTAssertEqual(small.svg.components(separatedBy: "<g class=\"task ").count - 1, 3)
    XCTAssertTrue(small.svg.contains("Showing the first 3 of 5 tasks"))
    XCTAssertFalse(DependencyGraph(Self.result(Array(records.prefix(5)))).html.contains("Showing the first"))
  }

  // MARK: - Command line

  private let command = PipelineCommand(
    name: "graph-test", tasks: [GraphTop.self, GraphBroken.self, GraphBase.self, GraphDone.self])

  private func invoke(_ arguments: String..., in folder: TemporaryFolder) -> CommandOutcome {
    var output: [String] = []
    var errors: [String] = []
    let code = command.run(
      arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    return CommandOutcome(code: code, output: output.joined(separator: "\n"), errorLines: errors)
  }

  func testGraphFlagWritesTheFormTheExtensionNamesAndKeepsTheExitCode() throws {
    let plain = try freshFolder()
    let withoutGraph = invoke("GraphTop", in: plain)
    XCTAssertEqual(withoutGraph.code, ExitCodes().taskFailed)

    let page = invoke("GraphTop", "--graph", "out.html", in: folder)
    XCTAssertEqual(page.code, withoutGraph.code)
    XCTAssertEqual(page.output, withoutGraph.output)
    let html = try XCTUnwrap(folder.contents(of: "out.html"))
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(html.components(separatedBy: "<g class=\"task ").count - 1, 6)

    // GraphBase is complete from here on, so each form comes from a fresh folder.
    let dotFolder = try freshFolder()
    XCTAssertEqual(invoke("GraphTop", "--graph=graphs/out.dot", in: dotFolder).code, withoutGraph.code)
    XCTAssertEqual(dotFolder.contents(of: "graphs/out.dot"), expectedDOT)

    let mermaidFolder = try freshFolder()
    _ = invoke("GraphTop", "--graph", mermaidFolder.path(of: "absolute.mmd"), in: mermaidFolder)
    XCTAssertEqual(mermaidFolder.contents(of: "absolute.mmd")?.hasPrefix("flowchart LR\n"), true)

    let svgFolder = try freshFolder()
    _ = invoke("GraphTop", "--graph", "picture.SVG", in: svgFolder)
    let svg = try XCTUnwrap(svgFolder.contents(of: "picture.SVG"))
    XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    XCTAssertEqual(try SVGReading(svg).taskClasses.count, 6)
  }

  func testUnknownGraphExtensionIsAUsageErrorBeforeAnythingRuns() {
    invoke("GraphTop", "--graph", "out.png", in: folder)
      .assertError(code: 2, "--graph", "out.png", ".html", ".dot", ".mmd")
    invoke("GraphTop", "--graph", "graph", in: folder).assertError(code: 2, "--graph", "'graph'")
    XCTAssertFalse(folder.contains("base.txt"), "a task ran")
    XCTAssertFalse(folder.contains("out.png"))
  }

  func testAGraphThatCannotBeWrittenIsReportedAndKeepsTheExitCode() throws {
    try folder.write("a file, not a folder", to: "blocker")
    invoke("GraphTop", "--graph", "blocker/out.html", in: folder).assertError(
      code: ExitCodes().taskFailed, "cannot write the graph", "blocker/out.html")
  }

  // MARK: - Helpers

  private func task(_ family: String, _ parameters: (String, String)...) -> TaskInfo {
    TaskInfo(family: family, parameters: parameters.map { (name: $0.0, value: $0.1) })
  }

  /// A hand-made record, for graphs no small pipeline makes.
  private func record(
    _ info: TaskInfo, requiring requirements: [TaskInfo] = [], error: String? = nil, status: TaskStatus = .pending
  ) -> TaskRecord {
    TaskRecord(
      info: info, status: status, isExternal: false, failureCount: error == nil ? 0 : 1,
      error: error.map(PlannedFailure.init),
      dependencies: requirements.map(\.description))
  }

  private static func result(_ records: [TaskRecord]) -> RunResult {
    RunResult(records: records, summary: "(summary)\n", exitCode: 0)
  }
}
