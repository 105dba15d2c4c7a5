import Foundation
import XCTest

@testable import kit

/// The self-check runs every command the exercises' READMEs show (see SelfCheck.readmeCommands);
/// these tests pin down which commands it finds in a README and how it judges what one printed.
final class ReadmeCommandsTests: XCTestCase {
  private let readme = """
    # Exercise 8: Scraper

    Check: `make check N=8`. Then run it (`make run N=8 ARGS='Hello'` prints its summary):

    ```
    mkdir -p workspace/8-scraper && python3 -m http.server 8000 --bind 127.0.0.1
    printf '[ScrapeDay]\\nblog = x\\n' > workspace/8-scraper/plumb.cfg
    make run N=8 ARGS='Hello'               # writes output.txt
    make run N=8 ARGS='Hello'               # again: complete, nothing runs
    make run N=3 ARGS='Hello'               # stops: times is required (exit code 2)
    cat workspace/8-scraper/output.txt
    python3 - <<'PY'
    import http.server
    PY
    ```

    In a second terminal: `make luigid`, then `make run N=7 ARGS='Assemble --scheduler-host 127.0.0.1'`.
    Stop it with `make reset N=8`, or keep `make watch N=8` running. Once more: `make check N=8`.
    """

  func testFindsCodeBlockLinesAndInlineCommandsOnceEachWithTheirLines() {
    let commands = ReadmeCommands.commands(in: readme, readme: "R.md")
    XCTAssertEqual(
      commands.map { "\($0.line) \($0.text)" },
      [
        "3 make check N=8",
        "6 mkdir -p workspace/8-scraper",
        "6 python3 -m http.server 8000 --bind 127.0.0.1",
        "7 printf '[ScrapeDay]\\nblog = x\\n' > workspace/8-scraper/plumb.cfg",
        "8 make run N=8 ARGS='Hello'               # writes output.txt",
        "9 make run N=8 ARGS='Hello'               # again: complete, nothing runs",
        "10 make run N=3 ARGS='Hello'               # stops: times is required (exit code 2)",
        "12 python3 - <<'PY'",
        "17 make luigid",
        "17 make run N=7 ARGS='Assemble --scheduler-host 127.0.0.1'",
        "18 make reset N=8",
        "18 make watch N=8",
      ])
    XCTAssertEqual(commands[1].kind, .setup)
    XCTAssertEqual(commands[4].kind, .make)
    XCTAssertEqual(commands[6].expectedExitCode, 2)
    XCTAssertNil(commands[4].expectedExitCode)
    for index in [2, 7, 8, 9, 10, 11] {
      guard case .skipped(let reason) = commands[index].kind else {
        return XCTFail("\(commands[index].text) should be skipped")
      }
      XCTAssertFalse(reason.isEmpty)
    }
  }

  private func command(_ text: String, expecting code: Int32? = nil) -> ReadmeCommand {
    ReadmeCommand(readme: "R.md", line: 1, text: text, kind: .make, expectedExitCode: code)
  }

  /// What make printed for the README's `--force ScrapeDay(date=2024-03-03)` before it was quoted.
  func testAShellSyntaxErrorInMakesRecipeIsAProblem() {
    let output = """
      /bin/sh: 1: Syntax error: "(" unexpected
      make: *** [Makefile:39: run] Error 2
      """
    XCTAssertEqual(
      ReadmeCommands.problem(
        with: command("make run N=8 ARGS='RangeDaily --force ScrapeDay(date=2024-03-03)'"), status: 2, output: output),
      "it exited with status 2")
  }

  func testAPipelineMayFailItsTasksButNotRefuseItsCommandLine() {
    let run = command("make run N=8 ARGS='RangeDaily --of DailyDigest'")
    XCTAssertNil(ReadmeCommands.problem(with: run, status: 0, output: "Running in x\nsummary\n"))
    XCTAssertNil(
      ReadmeCommands.problem(
        with: run, status: 0, output: "The pipeline exited with code 30 (`make run N=8 ARGS=--help` lists …)."))
    XCTAssertEqual(
      ReadmeCommands.problem(
        with: run, status: 0, output: "error: unknown task RangeDaly\nThe pipeline exited with code 2 (`make run …`)."),
      "the pipeline refused its command line (exit code 2)")
    XCTAssertEqual(
      ReadmeCommands.problem(with: run, status: 0, output: "✗ Your code crashed (signal 4) at X.swift:3."),
      "the pipeline crashed")
  }

  func testTheExitCodeTheReadmeNamesIsRequiredExactly() {
    let stops = command("make run N=3 ARGS='Hello'  # stops (exit code 2)", expecting: 2)
    XCTAssertNil(ReadmeCommands.problem(with: stops, status: 0, output: "The pipeline exited with code 2 (…)."))
    XCTAssertEqual(
      ReadmeCommands.problem(with: stops, status: 0, output: "summary\n"),
      "the pipeline exited with code 0, the README says 2")
    XCTAssertEqual(ReadmeCommands.exitCode(namedIn: "and the exit code is 30."), 30)
    XCTAssertNil(ReadmeCommands.exitCode(namedIn: "exit codes differ"))
  }

  func testACheckMustPassAndTheKitMustNotRefuse() {
    let check = command("make check N=4")
    XCTAssertNil(
      ReadmeCommands.problem(with: check, status: 0, output: "✓ Exercise 4, Dependencies: all 6 checks pass."))
    XCTAssertEqual(
      ReadmeCommands.problem(with: check, status: 0, output: "✗ Exercise 4, Dependencies: 1 of 6 checks fail."),
      "the solution did not pass the check")
    XCTAssertEqual(
      ReadmeCommands.problem(
        with: command("make hint N=12"), status: 0, output: "kit: there is no exercise 12; the exercises are 1, 2"),
      "the kit refused it: kit: there is no exercise 12; the exercises are 1, 2")
  }

  /// Every command the exercises' READMEs show is found, and none is skipped without a reason.
  func testTheExercisesReadmesHaveCommandsToRun() {
    let commands = ReadmeCommands.all(Exercise.all())
    XCTAssertGreaterThan(commands.filter { $0.kind == .make }.count, 20)
    XCTAssertTrue(commands.contains { $0.text.contains("--force") && $0.kind == .make })
  }
}
