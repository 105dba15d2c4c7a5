import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// A task written as a class, which a run cannot copy. Unchecked: the test never shares it.
private final class SalesReport: PipelineTask, @unchecked Sendable {
  @Parameter(help: "the day to report on") var date: Day = .required
  init() {}
  func output() -> LocalTarget { LocalTarget("\(Self.family)-\(date).txt") }
  func run() throws { try output().write("\(TaskInfo(self))") }
}

/// Two loaders of the same type name, in two enums used as namespaces.
private enum Songs {
  struct Load: PipelineTask {
    func output() -> LocalTarget { LocalTarget("songs.txt") }
    func run() throws { try output().write("songs") }
  }
}

private enum Plays {
  struct Load: PipelineTask {
    func output() -> LocalTarget { LocalTarget("plays.txt") }
    func run() throws { try output().write("plays") }
  }
}

/// The same two loaders, told apart by the namespace each declares.
private enum Albums {
  struct Load: PipelineTask {
    static let namespace = "albums"
    func output() -> LocalTarget { LocalTarget("albums.txt") }
    func run() throws { try output().write("albums") }
  }
}

private enum Artists {
  struct Load: PipelineTask {
    static let namespace = "artists"
    func output() -> LocalTarget { LocalTarget("artists.txt") }
    func run() throws { try output().write("artists") }
  }
}

private struct LoadBoth: PipelineTask {
  func requires() -> AllOf<Songs.Load, Plays.Load> { AllOf(Songs.Load(), Plays.Load()) }
  func output() -> LocalTarget { LocalTarget("both.txt") }
  func run() throws {
    let (songs, plays) = try input()
    try output().write(try songs.read() + plays.read())
  }
}

/// A task whose country is a plain property: the mistake of leaving out `@Parameter`.
private struct CountryTotals: PipelineTask {
  var tld = "rs"
  func output() -> LocalTarget { LocalTarget("totals-\(tld).tsv") }
  func run() throws { try output().write(tld) }
}

private struct AllCountries: WrapperTask {
  func requires() -> [CountryTotals] { [CountryTotals(tld: "rs"), CountryTotals(tld: "de")] }
}

final class TaskIdentityTests: XCTestCase {
  func testAClassTaskIsRefusedBecauseARunCannotCopyIt() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertThrowsError(try build([SalesReport()], options: folder.options())) { error in
      XCTAssertEqual(error as? PipelineError, .notAValue("SalesReport"))
      XCTAssertEqual(
        "\(error)",
        "SalesReport is a class, but a task must be a value: declare it as a struct, so that each run works on its own copy"
      )
    }
    XCTAssertEqual(folder.files(), [])
  }

  func testTheCommandLineRefusesAClassTaskInOneLine() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var errors: [String] = []
    let code = PipelineCommand(name: "reports", tasks: [SalesReport.self]).run(
      arguments: ["SalesReport", "--date", "2024-01-05", "--no-lock", "--quiet"], workingDirectory: folder.path,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    XCTAssertEqual(
      errors,
      [
        "reports: error: SalesReport is a class, but a task must be a value: declare it as a struct, so that each run works on its own copy"
      ])
    XCTAssertEqual(code, ExitCodes().schedulingError)
  }

  func testTwoTaskTypesWithTheSameNameAreRefusedInsteadOfMerged() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(
      thrownMessage { try build([LoadBoth()], options: folder.options()) },
      "two different tasks are both called Load(): one is of type PlumbTests.Songs.Load, "
        + "the other of type PlumbTests.Plays.Load; give one of them another name or a static namespace"
    )
    XCTAssertEqual(folder.files(), [], "nothing runs")
  }

  func testTasksTellingApartOnlyByAPlainPropertyAreRefusedInsteadOfMerged() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let expected =
      "two different tasks are both called CountryTotals(): one writes \(folder.path(of: "totals-rs.tsv")), "
      + "the other \(folder.path(of: "totals-de.tsv")); "
      + "a stored property that tells tasks apart must be a @Parameter"
    XCTAssertEqual(thrownMessage { try build([AllCountries()], options: folder.options()) }, expected)
    XCTAssertEqual(
      thrownMessage { try build([CountryTotals(tld: "rs"), CountryTotals(tld: "de")], options: folder.options()) },
      expected)
    XCTAssertEqual(folder.files(), [], "nothing runs")
  }

  func testTheSameTaskRequiredTwiceWithPlainPropertiesIsStillOneTask() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let result = try build([CountryTotals(), CountryTotals()], options: folder.options())
    XCTAssertEqual(result.records.map(\.info.description), ["CountryTotals()"])
    XCTAssertEqual(folder.files(), ["totals-rs.tsv"])
  }

  func testAStaticLetNamespaceNamesTheFamily() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertEqual(Albums.Load.family, "albums.Load")
    XCTAssertEqual(TaskInfo(Artists.Load()).description, "artists.Load()")
    let result = try build([Albums.Load(), Artists.Load()], options: folder.options())
    XCTAssertEqual(result.exitCode, 0)
    XCTAssertEqual(result.records.map(\.info.description).sorted(), ["albums.Load()", "artists.Load()"])
  }
}
