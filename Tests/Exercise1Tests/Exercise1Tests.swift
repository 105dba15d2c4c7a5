import Grading
import Plumb
import XCTest

@testable import Exercise1

/// Exercise 1, Basics: a task that prints, and the summary of its run.
final class Exercise1Tests: GradedTestCase {
  override var exerciseNumber: Int { 1 }

  var inHelloRun: String { todo("Hello.run()", in: "Hello.swift") }

  func testHelloPrintsHelloWorld() {
    guard let run = run(Hello()) else { return }
    guard expectNoFailures(run, next: "fix \(inHelloRun)") else { return }
    expectPrinted(run, "Hello World\n", next: "print exactly \"Hello World\" in \(inHelloRun)")
  }

  func testSummarySaysHelloRanSuccessfully() {
    guard let run = run(Hello()) else { return }
    expectSummary(
      run,
      """
      Scheduled 1 tasks of which:
      * 1 ran successfully:
          - 1 Hello()

      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "make Hello.run() finish without an error: \(inHelloRun)")
  }

  func testTaskWithoutOutputsRunsEveryTime() {
    guard let first = run(Hello()), let second = run(Hello()) else { return }
    expect(
      second.status(of: Hello()) == .succeeded && second.printed == first.printed,
      "A task without outputs is never complete, so a second run runs Hello again.",
      expected: "Hello runs again and prints \(Feedback.quoted(first.printed))",
      found:
        "status \(second.status(of: Hello()).map { "\($0)" } ?? "not scheduled"), printed \(Feedback.quoted(second.printed))",
      next: "keep Hello without outputs, and print the same line every time in \(inHelloRun)")
  }

  func testPipelineListsHello() {
    expect(
      pipelineTasks.contains { $0 == Hello.self }, "`make run N=1 ARGS=Hello` finds tasks in pipelineTasks.",
      expected: "pipelineTasks lists Hello.self", found: "\(pipelineTasks)",
      next: "add Hello.self to pipelineTasks in \(exercise.path(of: "Pipeline.swift"))")
  }
}
