import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine

/// Runs the built `plumb-example` executable (Sources/PlumbExample) as a user would, and checks its
/// standard output, standard error and exit code.
///
/// If it is missing, each test fails saying how to build it (see ``BuiltExecutable``).
final class CommandLineProcessTests: XCTestCase {
  private var folder: TemporaryFolder!

  private var example: BuiltExecutable!

  override func setUpWithError() throws {
    example = try BuiltExecutable("plumb-example")
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// Runs plumb-example in the test's folder, with `TMPDIR` there and no config variables.
  private func example(_ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws
    -> CommandOutcome
  {
    let process = example.process(arguments, in: folder)
    // Files rather than pipes, so a full pipe can never stall the child.
    let outputPath = folder.path(of: ".stdout"), errorPath = folder.path(of: ".stderr")
    try folder.write("", to: ".stdout")
    try folder.write("", to: ".stderr")
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .exit, "plumb-example crashed", file: file, line: line)
    let output = try XCTUnwrap(folder.contents(of: ".stdout"))
    let errors = try XCTUnwrap(folder.contents(of: ".stderr"))
    return CommandOutcome(
      code: process.terminationStatus, output: output,
      errorLines: errors.split(separator: "\n", omittingEmptySubsequences: true).map(String.init))
  }

  func testHelpListsTheExampleTasks() throws {
    let outcome = try example("--help")
    XCTAssertEqual(outcome.code, 0)
    XCTAssertEqual(outcome.errorLines, [])
    XCTAssertTrue(outcome.output.hasPrefix("Usage: plumb-example TASK"), outcome.output)
    for task in ["TopSongs", "AllCountries", "TopArtists", "Producer", "SongCatalog"] {
      XCTAssertTrue(outcome.output.contains("\n  \(task) "), "\(task) missing from: \(outcome.output)")
    }
    XCTAssertTrue(outcome.output.contains("the most played songs of one country"), outcome.output)
  }

  func testTaskHelp() throws {
    let outcome = try example("TopSongs", "--help")
    XCTAssertEqual(outcome.code, 0)
    XCTAssertTrue(outcome.output.hasPrefix("Usage: plumb-example TopSongs --tld VALUE [--top VALUE] [--with-plays]"))
    XCTAssertTrue(outcome.output.contains("any text; required"), outcome.output)
    XCTAssertTrue(outcome.output.contains("an integer such as 42; default 5"), outcome.output)
  }

  func testRunsThenFindsItComplete() throws {
    let first = try example("TopSongs", "--tld", "rs", "--workers", "2", "--with-plays")
    XCTAssertEqual(first.code, 0, "\(first.errorLines)")
    XCTAssertTrue(first.output.hasPrefix("===== Plumb Execution Summary ====="), first.output)
    XCTAssertTrue(first.output.contains("Scheduled 2 tasks"), first.output)
    XCTAssertTrue(first.errorLines.contains("plumb: running TopSongs(tld=rs, top=5)"), "\(first.errorLines)")
    let top = try XCTUnwrap(folder.contents(of: "top-rs.tsv")).split(separator: "\n")
    XCTAssertEqual(top.count, 5)
    let counts = top.compactMap { $0.split(separator: "\t").last.flatMap { Int($0) } }
    XCTAssertEqual(counts, counts.sorted(by: >), "most played first")

    let second = try example("TopSongs", "--tld", "rs", "--quiet")
    XCTAssertEqual(second.code, 0)
    XCTAssertEqual(second.errorLines, [])
    XCTAssertTrue(second.output.contains("Scheduled 1 tasks"), second.output)
  }

  func testFamilyFlagReachesTheProducer() throws {
    XCTAssertEqual(try example("Producer", "--rows", "3").code, 0)
    XCTAssertEqual(folder.contents(of: "plays.tsv")?.split(separator: "\n").count, 3)
    try FileManager.default.removeItem(atPath: folder.path(of: "plays.tsv"))
    XCTAssertEqual(try example("TopSongs", "--tld", "de", "--Producer-rows", "40").code, 0)
    XCTAssertEqual(folder.contents(of: "plays.tsv")?.split(separator: "\n").count, 40)
  }

  func testFailingTaskExitsWithThirty() throws {
    let outcome = try example("TopSongs", "--tld", "zz")
    XCTAssertEqual(outcome.code, 30)
    XCTAssertTrue(outcome.errorLines.contains { $0.contains("no plays for country 'zz'") }, "\(outcome.errorLines)")
    XCTAssertTrue(outcome.output.contains("Scheduled 2 tasks"), outcome.output)
    XCTAssertFalse(folder.contains("top-zz.tsv"))
  }

  func testMissingExternalDataExitsWithTwentyUntilItArrives() throws {
    // not_run = 0 (Luigi's own default) keeps the waiting TopArtists from counting as "not run".
    try folder.write("[retcode]\nnot_run = 0\n", to: "plumb.cfg")
    let missing = try example("TopArtists")
    XCTAssertEqual(missing.code, 20)
    XCTAssertTrue(missing.errorLines.contains { $0.contains("Data for SongCatalog() does not exist") })
    let catalog = (1...12).map { "song-\($0 < 10 ? "0" : "")\($0)\tartist-\($0 % 3)" }
    try folder.write(catalog.joined(separator: "\n") + "\n", to: "catalog.tsv")
    let done = try example("TopArtists")
    XCTAssertEqual(done.code, 0, "\(done.errorLines)")
    XCTAssertEqual(folder.contents(of: "top-artists.tsv")?.split(separator: "\n").count, 3)
  }

  func testUsageErrorsExitWithTwoAndOneLine() throws {
    try example("TopSong", "--tld", "rs").assertError(
      code: 2, "plumb-example: error: unknown task TopSong", "did you mean TopSongs?")
    try example("TopSongs").assertError(code: 2, "TopSongs requires the 'tld' parameter to be set")
    try example("TopSongs", "--tld", "rs", "--top", "five").assertError(
      code: 2, "cannot use 'five' for parameter 'top'")
    try example("TopSongs", "--tld").assertError(code: 2, "--tld needs a value")
    try example("TopSongs", "--country", "rs").assertError(code: 2, "unknown parameter --country for TopSongs")
    XCTAssertFalse(folder.contains("plays.tsv"))
  }

  func testBadConfigExitsWithTwo() throws {
    try folder.write("workers = 2\n", to: "plumb.cfg")
    try example("TopSongs", "--tld", "rs").assertError(code: 2, "bad config file", "plumb.cfg, line 1")
  }

  func testSameCommandRunningElsewhereExitsWithTen() throws {
    let arguments = ["TopSongs", "--tld", "rs"]
    let lock = try ProcessLock.acquire(
      path: ProcessLock.path(
        program: "plumb-example", directory: folder.path, arguments: arguments, environment: folder.environment),
      program: "plumb-example")
    try example("TopSongs", "--tld", "rs").assertError(code: 10, "already running", "process \(getpid())")
    XCTAssertFalse(folder.contains("top-rs.tsv"))
    XCTAssertEqual(try example("TopSongs", "--tld", "rs", "--no-lock", "--quiet").code, 0)
    lock.release()
  }
}
