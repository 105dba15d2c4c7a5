import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise2

/// Exercise 2, Outputs: a task that writes output.txt atomically, and is complete once it exists.
final class Exercise2Tests: GradedTestCase {
  override var exerciseNumber: Int { 2 }

  var inRun: String { todo("Hello.run()", in: "Hello.swift") }
  var inOutput: String { todo("Hello.output()", in: "Hello.swift") }

  let ranOnce = """
    Scheduled 1 tasks of which:
    * 1 ran successfully:
        - 1 Hello()

    This progress looks :) because there were no failed tasks or missing dependencies
    """

  func testWritesHelloWorldToOutputTxt() {
    guard let run = run(Hello()), expectNoFailures(run, next: "fix \(inRun)") else { return }
    guard
      expectFile(
        "output.txt", holding: "Hello World\n",
        next: "return LocalTarget(\"output.txt\") in \(inOutput), and write \"Hello \" then \"World\\n\" in \(inRun)")
    else { return }
    expectSummary(run, ranOnce, next: "make Hello.run() finish without an error: \(inRun)")
  }

  func testSecondRunFindsHelloCompleteAndDoesNotRunIt() {
    guard run(Hello()) != nil else { return }
    guard expectFile("output.txt", holding: "Hello World\n", next: "write the file in \(inRun)") else { return }
    // If the second run ran Hello, it would write "Hello World" over this marker.
    try? workspace.write("left by the first run\n", to: "output.txt")
    guard let second = run(Hello()) else { return }
    guard
      expectSummary(
        second,
        """
        Scheduled 1 tasks of which:
        * 1 complete ones were encountered:
            - 1 Hello()

        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies
        """, next: "declare output.txt as Hello's output in \(inOutput): a task whose outputs exist is complete")
    else { return }
    expectFile(
      "output.txt", holding: "left by the first run\n",
      next: "write output.txt only in run(), through output().write: \(inRun)")
  }

  func testDeletingOutputTxtMakesHelloRunAgain() {
    guard run(Hello()) != nil else { return }
    workspace.delete("output.txt")
    guard let again = run(Hello()) else { return }
    guard expectSummary(again, ranOnce, next: "return LocalTarget(\"output.txt\") in \(inOutput)") else { return }
    expectFile("output.txt", holding: "Hello World\n", next: "write the file in \(inRun)")
  }

  func testRunThatFailsHalfwayLeavesNoFile() {
    guard let failed = run(Hello(failHalfway: true)) else { return }
    guard
      expect(
        failed.status(of: Hello()) == .failed,
        "Hello(failHalfway: true) should fail halfway through writing.",
        expected: "the run fails with \"\(StoppedHalfway())\"",
        found: "status \(failed.status(of: Hello()).map { "\($0)" } ?? "not scheduled")",
        next: "call `try stopHalfwayIfAsked()` between writing \"Hello \" and \"World\\n\" in \(inRun)")
    else { return }
    guard
      expectSummary(
        failed,
        """
        Scheduled 1 tasks of which:
        * 1 failed:
            - 1 Hello()

        This progress looks :( because there were failed tasks

        Why tasks failed:
            - Hello(): \(StoppedHalfway())
        """, next: "let the error from stopHalfwayIfAsked() leave run() (use `try`, don't catch it): \(inRun)")
    else { return }
    guard
      expectNoFile(
        "output.txt", because: "a run that fails leaves no half-written file",
        next:
          "write through `try output().write { file in ... }`, which writes a temporary file and renames it to output.txt only at the end: \(inRun)"
      )
    else { return }
    expect(
      workspace.listing().isEmpty, "A failed run should leave the folder as it found it.",
      expected: "an empty folder", found: workspace.listing().joined(separator: ", "),
      next: "write only through `try output().write { file in ... }` in \(inRun)")
    guard let retry = run(Hello()) else { return }
    expectSummary(retry, ranOnce, next: "a run without failHalfway should write the whole file: \(inRun)")
  }
}
