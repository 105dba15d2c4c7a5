import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise3

/// Exercise 3, Parameters: a default, help text, a required typed parameter, and an output path
/// that depends on the parameters.
final class Exercise3Tests: GradedTestCase {
  override var exerciseNumber: Int { 3 }

  var inRun: String { todo("Hello.run()", in: "Hello.swift") }
  var inOutput: String { todo("Hello.output()", in: "Hello.swift") }

  func testGreetsTheWorldByDefault() {
    guard let run = run(Hello(times: 2)), expectNoFailures(run, next: "fix \(inRun)") else { return }
    expectGreetings(
      "hello-World-2.txt", "Hello World\nHello World\n",
      next:
        "name the file \"hello-\\(name)-\\(times).txt\" in \(inOutput), and write \"Hello \\(name)\" on `times` lines in \(inRun)"
    )
  }

  func testEachNameIsATaskOfItsOwn() {
    guard run(Hello(name: "Ana", times: 1)) != nil, let bo = run(Hello(name: "Bo", times: 1)) else { return }
    guard
      expectSummary(
        bo,
        """
        Scheduled 1 tasks of which:
        * 1 ran successfully:
            - 1 Hello(name=Bo, times=1)

        This progress looks :) because there were no failed tasks or missing dependencies
        """,
        next: "Hello(name: \"Bo\") must not find Ana's file: put the name into the file name in \(inOutput)")
    else { return }
    guard expectGreetings("hello-Ana-1.txt", "Hello Ana\n", next: "use `name` in \(inRun)") else { return }
    expectGreetings("hello-Bo-1.txt", "Hello Bo\n", next: "use `name` in \(inRun)")
  }

  func testTwoNamesInOneRun() {
    guard let run = run(Hello(name: "Ana", times: 3), Hello(name: "Bo", times: 3)) else { return }
    guard
      expectSummary(
        run,
        """
        Scheduled 2 tasks of which:
        * 2 ran successfully:
            - 2 Hello(name=Ana, times=3) and Hello(name=Bo, times=3)

        This progress looks :) because there were no failed tasks or missing dependencies
        """, next: "make Hello.run() finish without an error: \(inRun)")
    else { return }
    expectGreetings(
      "hello-Bo-3.txt", "Hello Bo\nHello Bo\nHello Bo\n", next: "repeat the line `times` times in \(inRun)")
  }

  func testZeroTimesWritesAnEmptyFile() {
    guard let run = run(Hello(name: "Ana", times: 0)), expectNoFailures(run, next: "fix \(inRun)") else { return }
    expectGreetings(
      "hello-Ana-0.txt", "",
      next: "with times 0, write the file with no greeting in it: loop over `0..<times`, not `1...times`, in \(inRun)")
  }

  func testNegativeTimesWritesAnEmptyFile() {
    // A loop over `0..<times` traps here (the kit then explains the crash); `0..<max(times, 0)` does not.
    guard let run = run(Hello(name: "Ana", times: -1)), expectNoFailures(run, next: "fix \(inRun)") else { return }
    expectGreetings(
      "hello-Ana--1.txt", "",
      next: "with a negative times, write the file with no greeting in it: loop over `0..<max(times, 0)` in \(inRun)")
  }

  func testTimesIsRequired() {
    guard
      let error = runStoppingWithError(
        Hello(),
        next: "declare `times` with no default: `var times: Int = .required` in \(exercise.path(of: "Hello.swift"))")
    else { return }
    expect(
      "\(error)".contains("'times'"), "A run without times should say that times is missing.",
      expected: "an error naming 'times'", found: "\(error)",
      next: "declare `times` with no default: `var times: Int = .required` in \(exercise.path(of: "Hello.swift"))")
  }

  func testMissingTimesOnTheCommandLineIsAOneLineError() {
    let command = runCommand(["Hello", "--name", "Ana"], tasks: pipelineTasks)
    expect(
      command.exitCode != 0 && command.errorMessages.count == 1
        && command.errorMessages.first?.contains("'times'") == true && !workspace.contains("hello-Ana-1.txt"),
      "`make run N=3 ARGS='Hello --name Ana'` should stop with one line saying that times is missing.",
      expected: "a non-zero exit and one error line naming 'times'",
      found: "exit \(command.exitCode), errors: \(Feedback.quoted(command.errorMessages.joined(separator: "\n")))",
      next: "declare `times` with no default: `var times: Int = .required` in \(exercise.path(of: "Hello.swift"))")
  }

  func testCommandLineRunWritesTheGreeting() {
    let command = runCommand(["Hello", "--name", "Ana", "--times", "2"], tasks: pipelineTasks)
    if let notDone = notDoneMessage(in: command) {
      XCTFail(notDone)
      return
    }
    guard
      expect(
        command.exitCode == 0, "`make run N=3 ARGS='Hello --name Ana --times 2'` should succeed.",
        expected: "exit 0", found: "exit \(command.exitCode): \(command.errorMessages.joined(separator: " "))",
        next: "fix \(inRun)")
    else { return }
    expectGreetings(
      "hello-Ana-2.txt", "Hello Ana\nHello Ana\n", next: "use `name` and `times` in \(inOutput) and \(inRun)")
  }

  func testParametersHaveHelpText() {
    for (name, help) in helpTexts(of: Hello()) {
      expect(
        !help.isEmpty, "Parameter `\(name)` should have help text, shown by --help.",
        expected: "@Parameter(help: \"…\") var \(name)", found: "@Parameter var \(name) (no help)",
        next: "add help text to `\(name)`: \(todo("Hello.name", in: "Hello.swift"))")
    }
  }

  func testHelpShowsBothParameters() {
    let help = runCommand(["Hello", "--help"], tasks: pipelineTasks).output
    let texts = helpTexts(of: Hello())
    let wanted = ["--name", "--times", "default World", "required"] + texts.map(\.1).filter { !$0.isEmpty }
    let missing = wanted.filter { !help.contains($0) }
    expect(
      missing.isEmpty, "`make run N=3 ARGS='Hello --help'` should list both parameters with their help.",
      expected: "help mentioning " + wanted.map { "\"\($0)\"" }.joined(separator: ", "),
      found: "no " + missing.map { "\"\($0)\"" }.joined(separator: ", ") + " in:" + Feedback.block(help),
      next:
        "declare `name` with a default \"World\" and help text, and `times` as .required, in \(exercise.path(of: "Hello.swift"))"
    )
  }

  /// Checks a file of greetings; when the greetings are right but not each on its own line
  /// ("Hello AnaHello Ana"), the advice says so instead of `next`.
  @discardableResult
  func expectGreetings(_ name: String, _ expected: String, next: String, line: UInt = #line) -> Bool {
    let found = workspace.contents(of: name)
    let linesRun = found.map { $0 != expected && $0.filter { $0 != "\n" } == expected.filter { $0 != "\n" } } ?? false
    return expectFile(
      name, holding: expected,
      next: linesRun
        ? "put each greeting on its own line: `file.writeLine(\"Hello \\(name)\")` ends the line, `file.write` does not, in \(inRun)"
        : next, line: line)
  }

  /// Each parameter's help text, read the way Plumb reads parameters: through the property wrappers.
  func helpTexts(of task: any PipelineTask) -> [(String, String)] {
    Mirror(reflecting: task).children.compactMap { child in
      guard let label = child.label, label.hasPrefix("_") else { return nil }
      switch child.value {
      case let parameter as Parameter<String>: return (String(label.dropFirst()), parameter.help)
      case let parameter as Parameter<Int>: return (String(label.dropFirst()), parameter.help)
      default: return nil
      }
    }
  }
}
