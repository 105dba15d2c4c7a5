import XCTest

@testable import kit

/// The kit reads what `swift build` and `swift test` print; these outputs are copied from real runs.
final class ReportParsingTests: XCTestCase {
  func testReadsPassesFailuresAndMultiLineMessages() {
    let output = """
      Test Suite 'Exercise2Tests' started at 2026-11-23 16:08:43.850
      Test Case 'Exercise2Tests.testA' started at 2026-11-23 16:08:43.850
      Test Case 'Exercise2Tests.testA' passed (0.001 seconds)
      Test Case 'Exercise2Tests.testB' started at 2026-11-23 16:08:43.851
      /work/Tests/Exercise2Tests/Exercise2Tests.swift:29: error: Exercise2Tests.testB : failed - The run did not write output.txt.
        expected: "Hello World\\n"
        next:     write it
      Test Case 'Exercise2Tests.testB' failed (0.002 seconds)
      Test Suite 'Exercise2Tests' failed at 2026-11-23 16:08:43.852
      """
    let report = TestReport(output: output, exitStatus: 1)
    XCTAssertEqual(report.cases.map(\.name), ["testA", "testB"])
    XCTAssertEqual(report.cases.map(\.passed), [true, false])
    XCTAssertEqual(
      report.firstFailure(of: "Exercise2Tests")?.message,
      "The run did not write output.txt.\n  expected: \"Hello World\\n\"\n  next:     write it")
    XCTAssertNil(report.crash)
  }

  func testTheFirstFailureIsTheFirstInTheSuitesOrderNotTheRunOrder() {
    let output = """
      Test Case 'Exercise2Tests.testDeleting' started at 2026-11-23 16:08:43.850
      /work/Tests/Exercise2Tests/Exercise2Tests.swift:60: error: Exercise2Tests.testDeleting : failed - summary differs
      Test Case 'Exercise2Tests.testDeleting' failed (0.001 seconds)
      Test Case 'Exercise2Tests.testWrites' started at 2026-11-23 16:08:43.851
      /work/Tests/Exercise2Tests/Exercise2Tests.swift:29: error: Exercise2Tests.testWrites : failed - no file output.txt
      Test Case 'Exercise2Tests.testWrites' failed (0.002 seconds)
      """
    let report = TestReport(output: output, exitStatus: 1)
    XCTAssertEqual(report.firstFailure(of: "Exercise2Tests")?.test, "testDeleting")
    let declared = Exercise.testMethods(
      in: """
        final class Exercise2Tests: GradedTestCase {
          func testWrites() {
          }
          func testWritesTwice(times: Int) {
          }
          private func helper() {}
          func testDeleting() throws {
          }
        }
        """)
    XCTAssertEqual(declared, ["testWrites", "testDeleting"])
    XCTAssertEqual(report.firstFailure(of: "Exercise2Tests", order: declared)?.test, "testWrites")
    XCTAssertEqual(report.cases(of: "Exercise2Tests", order: declared).map(\.name), ["testWrites", "testDeleting"])
  }

  func testACaseThatNeverFinishesIsACrash() {
    let output = """
      Test Case 'Exercise1Tests.testHello' started at 2026-11-23 16:08:43.850
      Exercise1/Hello.swift:7: Fatal error: boom
      """
    let report = TestReport(output: output, exitStatus: 132)
    XCTAssertEqual(report.cases.count, 1)
    XCTAssertNil(report.cases[0].passed)
    XCTAssertEqual(report.crash, "Exercise1/Hello.swift:7: Fatal error: boom")
  }

  func testARunStoppedByTheTimeLimitIsAHangNotACrash() {
    let output = """
      Test Case 'Exercise1Tests.testHello' started at 2026-11-23 16:08:43.850
      Test Case 'Exercise1Tests.testHello' passed (0.001 seconds)
      Test Case 'Exercise1Tests.testLoops' started at 2026-11-23 16:08:43.851
      """
    let report = TestReport(output: output, exitStatus: 137, stoppedAfter: 60)
    XCTAssertTrue(report.timedOut)
    XCTAssertEqual(report.cases.map(\.passed), [true, false])
    XCTAssertEqual(report.crash, "the checks did not finish within 60 seconds and were stopped")
    XCTAssertEqual(
      report.cases[1].failures.first?.components(separatedBy: "\n").first,
      "This check did not finish within 60 seconds, so it was stopped.")
  }

  func testAKilledRunThatWasNotStoppedForTimeIsACrash() {
    let output = "Test Case 'Exercise1Tests.testLoops' started at 2026-11-23 16:08:43.851"
    let report = TestReport(output: output, exitStatus: 137)
    XCTAssertFalse(report.timedOut)
    XCTAssertNil(report.cases[0].passed)
  }

  func testACrashNamesTheReasonAndTheFirstFrameInAnExercise() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      Test Case 'Exercise3Tests.testGreets' started at 2026-11-23 16:47:24.584
      Test Case 'Exercise3Tests.testGreets' passed (0.001 seconds)
      Test Case 'Exercise3Tests.testZero' started at 2026-11-23 16:47:24.584
      Swift/ClosedRange.swift:411: Fatal error: Range requires lowerBound <= upperBound

      *** Program crashed: Illegal instruction at 0x00007f3eb236df7f ***

      Thread 0 "BatchDataPackag" crashed:

        0               0x00007f3eb236df7f closure #1 in closure #1 in _assertionFailure(_:_:file:line:flags:) + 623 in libswiftCore.so
        2 [ra]          0x000055a685ccb9fc closure #1 in Hello.run() + 203 in BatchDataPackageTests.xctest at \(root)/Exercises/3-parameters/Hello.swift:16:17
        4 [ra]          0x000055a685d4d5d5 LocalTarget.write(_:) + 164 in BatchDataPackageTests.xctest at \(root)/Sources/PlumbCore/Targets/LocalTarget.swift:97:11
        5 [ra]          0x000055a685cccd44 Hello.run() + 195 in BatchDataPackageTests.xctest at \(root)/Exercises/3-parameters/Hello.swift:15:18
      """
    let report = TestReport(output: output, exitStatus: 132)
    XCTAssertEqual(report.cases.map(\.passed), [true, nil])
    let crash = report.cases[1].crash
    XCTAssertEqual(crash?.reason, "Fatal error: Range requires lowerBound <= upperBound")
    XCTAssertEqual(crash?.place, "Exercises/3-parameters/Hello.swift:16, in Hello.run()")
    XCTAssertEqual(report.firstFailure(of: "Exercise3Tests")?.test, "testZero")
    XCTAssertTrue(report.firstFailure(of: "Exercise3Tests")?.message.contains("Hello.swift:16") ?? false)
  }

  // Swift 6.3.1's output for exercise 7 with a `nonisolated(unsafe) var` dictionary that every
  // Chunk adds to: no runtime message, and the frame in the learner's file has no line.
  func testABadMemoryAccessPointsAtStateSharedByWorkers() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      Test Case 'Exercise7Tests.testFourWorkersRunFourChunksAtOnce' started at 2026-12-06 12:19:03.984
      *** Signal 11: Backtracing from 0x7fa5e12c14c0... done ***
      *** Program crashed: Bad pointer dereference at 0x0000000000000000 ***
      Thread 8 "plumb-worker-2" crashed:
        0               0x00007fa5e12c14c0 swift_isUniquelyReferenced_nonNull_native in libswiftCore.so
        1 [ra] [system] 0x0000558dfe02b66b Chunk.run() + 2138 in BatchDataPackageTests.xctest at \(root)/Exercises/7-workers/Chunk.swift
      """
    let report = TestReport(output: output, exitStatus: 139)
    let crash = report.cases[0].crash
    XCTAssertEqual(crash?.isBadAccess, true)
    XCTAssertNil(crash?.reason)
    XCTAssertEqual(crash?.place, "Exercises/7-workers/Chunk.swift, in Chunk.run()")
    let message = report.firstFailure(of: "Exercise7Tests")?.message ?? ""
    XCTAssertTrue(message.contains("a bad memory access"), message)
    XCTAssertTrue(message.contains("two workers changing the same variable at once"), message)
    XCTAssertFalse(message.contains("1...n"), "a range trap is not this crash's cause: \(message)")
  }

  func testReadsCompileErrorsOnceEachWithTheirSourceLine() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      \(root)/Exercises/2-outputs/Hello.swift:11:53: error: value of type '() -> LocalTarget' has no member 'txt'
        9 |
       11 |   func output() -> LocalTarget { LocalTarget(output.txt) }
          |                                                     `- error: value of type '() -> LocalTarget' has no member 'txt'
      \(root)/Exercises/2-outputs/Hello.swift:11:53: error: value of type '() -> LocalTarget' has no member 'txt'
      error: emit-module command failed with exit code 1 (use -v to see invocation)
      """
    let report = BuildReport(output: output)
    XCTAssertEqual(report.problems.count, 1)
    XCTAssertEqual(report.problems.first?.file, "Exercises/2-outputs/Hello.swift")
    XCTAssertEqual(report.problems.first?.line, 11)
    XCTAssertEqual(
      report.problems.first?.sourceLine?.trimmingCharacters(in: .whitespaces),
      "11 |   func output() -> LocalTarget { LocalTarget(output.txt) }")
    XCTAssertEqual(report.exerciseFolder, "2-outputs")
  }

  func testShowsTheCompilersCodeAndCaretWithTheNotesOfEachError() {
    let root = FileManager.default.currentDirectoryPath
    // Swift 6.3's `swift build --build-tests` after a learner's edit of TopSongs.run().
    let output = """
      [0/1] Planning build
      Building for debugging...
      \(root)/Exercises/4-dependencies/TopSongs.swift:18:35: error: missing argument for parameter 'seed' in call
      16 |     //          inside `try output().write { file in ... }`.
      17 |     //       Then delete the line below.
      18 |     var generator = PlayGenerator()
         |                                   `- error: missing argument for parameter 'seed' in call
      19 |     var plays: [String: Int] = [:]
      20 |     for line in try input().lines() {

      \(root)/Exercises/4-dependencies/PlayGenerator.swift:13:3: note: 'init(seed:)' declared here
      11 |
      12 |   /// Starts the sequence at `seed`; the same seed gives the same rows.
      13 |   init(seed: UInt64) {
         |   `- note: 'init(seed:)' declared here
      14 |     state = seed
      15 |   }

      \(root)/Exercises/4-dependencies/TopSongs.swift:20:29: error: value of tuple type 'Void' has no member 'lines'
      18 |     var generator = PlayGenerator()
      19 |     var plays: [String: Int] = [:]
      20 |     for line in try input().lines() {
         |                             `- error: value of tuple type 'Void' has no member 'lines'
      21 |       let fields = line.split(separator: "\\t")
      22 |       plays[String(fields[0]), default: 0] += fields[2]
      [4/9] Emitting module Exercise4
      """
    let report = BuildReport(output: output)
    XCTAssertEqual(report.problems.map(\.line), [18, 20])
    XCTAssertEqual(
      report.problems[0].excerpt,
      [
        "16 |     //          inside `try output().write { file in ... }`.",
        "17 |     //       Then delete the line below.",
        "18 |     var generator = PlayGenerator()",
        "   |                                   `- error: missing argument for parameter 'seed' in call",
        "19 |     var plays: [String: Int] = [:]",
        "20 |     for line in try input().lines() {",
        "Exercises/4-dependencies/PlayGenerator.swift:13:3: note: 'init(seed:)' declared here",
        "11 |",
        "12 |   /// Starts the sequence at `seed`; the same seed gives the same rows.",
        "13 |   init(seed: UInt64) {",
        "   |   `- note: 'init(seed:)' declared here",
        "14 |     state = seed",
        "15 |   }",
      ])
    XCTAssertEqual(report.problems[0].sourceLine, "18 |     var generator = PlayGenerator()")
    // swift build's own "[4/9] Emitting module" line is not part of the second error.
    XCTAssertEqual(report.problems[1].excerpt.last, "22 |       plays[String(fields[0]), default: 0] += fields[2]")

    // 14 lines for the first error; the second, 8 lines with its hint, would pass a screenful.
    let shown = report.describe().components(separatedBy: "\n")
    XCTAssertEqual(
      shown.first,
      "  Exercises/4-dependencies/TopSongs.swift:18:35: error: missing argument for parameter 'seed' in call")
    XCTAssertEqual(shown.count, 14 + 2)
    XCTAssertEqual(
      shown.suffix(2),
      [
        "  … and 1 more error (swift build --build-tests shows them all)",
        "  hint for Exercises/4-dependencies/TopSongs.swift:20: input() is () until requires() returns a task, "
          + "an array of tasks or AllOf(…) (a tuple is none of these): do the requires() TODO first, its return type too",
      ])
    XCTAssertEqual(report.describe(lineLimit: 40).components(separatedBy: "\n").count, 14 + 8)
  }

  func testAnErrorLongerThanTheLimitIsCutAndKeepsItsHint() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      \(root)/Exercises/4-dependencies/TopSongs.swift:20:29: error: value of tuple type 'Void' has no member 'lines'
      18 |     var generator = PlayGenerator()
      19 |     var plays: [String: Int] = [:]
      20 |     for line in try input().lines() {
         |                             `- error: value of tuple type 'Void' has no member 'lines'
      21 |       let fields = line.split(separator: "\\t")
      22 |       plays[String(fields[0]), default: 0] += fields[2]
      """
    XCTAssertEqual(
      BuildReport(output: output).describe(lineLimit: 5).components(separatedBy: "\n"),
      [
        "  Exercises/4-dependencies/TopSongs.swift:20:29: error: value of tuple type 'Void' has no member 'lines'",
        "  18 |     var generator = PlayGenerator()",
        "  19 |     var plays: [String: Int] = [:]",
        "  … (4 more lines: swift build --build-tests shows them)",
        "  hint: input() is () until requires() returns a task, an array of tasks or AllOf(…) (a tuple is none of these): do the requires() TODO first, its return type too",
      ])
  }

  func testAnErrorPrintedTwiceIsShownOnceWithItsNotesOnce() {
    let root = FileManager.default.currentDirectoryPath
    // Swift 6.3's `swift build --build-tests` when TopSongs has no run(): the module's emitter and the
    // compiler both print the error, and its note points into Plumb.
    let printedOnce = """
      \(root)/Exercises/4-dependencies/TopSongs.swift:4:8: error: type 'TopSongs' does not conform to protocol 'PipelineTask'
       2 |
       3 | /// The most played songs in one country, from the plays Producer writes.
       4 | struct TopSongs: PipelineTask {
         |        |- error: type 'TopSongs' does not conform to protocol 'PipelineTask'
         |        `- note: add stubs for conformance
       5 |   @Parameter(help: "the country's two-letter code, such as rs") var tld: String = .required
       6 |

      \(root)/Sources/PlumbCore/Tasks/PipelineTask.swift:68:8: note: protocol requires function 'run()' with type '() async throws -> ()'
       67 |   /// either satisfies this requirement.
       68 |   func run() async throws
          |        `- note: protocol requires function 'run()' with type '() async throws -> ()'
       69 |
       70 |   /// Whether the task's work is already done. By default: it has outputs and all of them exist.

      """
    let output =
      """
      Building for debugging...
      error: emit-module command failed with exit code 1 (use -v to see invocation)
      [3/9] Emitting module Exercise4

      """ + printedOnce + printedOnce
    let report = BuildReport(output: output)
    XCTAssertEqual(report.problems.count, 1)
    XCTAssertEqual(
      report.problems.first?.hint,
      "a task needs `func run() throws { … }` (it may also be async, but need not be): is it missing or misspelt?")
    let excerpt = report.problems[0].excerpt
    XCTAssertEqual(
      excerpt.filter { $0.hasPrefix("Sources/") },
      [
        "Sources/PlumbCore/Tasks/PipelineTask.swift:68:8: note: protocol requires function 'run()' with type '() async throws -> ()'"
      ])
    XCTAssertEqual(excerpt.count, 13)
    XCTAssertEqual(report.problems[0].sourceLine, " 4 | struct TopSongs: PipelineTask {")
  }

  func testASyntaxErrorShowsTheNoteOnTheLineAboveIt() {
    let root = FileManager.default.currentDirectoryPath
    // Swift 6.3's `swift build --build-tests` with `print("Hello World"` missing its `)`: the error is
    // on the next line, and only the note shows where the `(` was opened.
    let output = """
      [0/1] Planning build
      Building for debugging...
      \(root)/Exercises/1-basics/Hello.swift:7:3: error: expected ')' in expression list
      4 | struct Hello: PipelineTask {
      5 |   func run() throws {
      6 |     print("Hello World"
        |          `- note: to match this opening '('
      7 |   }
        |   `- error: expected ')' in expression list
      8 | }
      9 |
      [3/17] Emitting module Exercise1
      """
    XCTAssertEqual(
      BuildReport(output: output).describe(),
      """
        Exercises/1-basics/Hello.swift:7:3: error: expected ')' in expression list
        4 | struct Hello: PipelineTask {
        5 |   func run() throws {
        6 |     print("Hello World"
          |          `- note: to match this opening '('
        7 |   }
          |   `- error: expected ')' in expression list
        8 | }
        9 |
      """)
  }

  func testASkippedStepGetsAHint() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      \(root)/Exercises/4-dependencies/TopSongs.swift:13:29: error: value of tuple type 'Void' has no member 'lines'
       13 |     for line in try input().lines() {
      \(root)/Exercises/5-wordcount/WordCount.swift:15:17: error: for-in loop requires 'Void' to conform to 'Sequence'
       15 |     for text in input() {
      \(root)/Exercises/2-outputs/Hello.swift:16:18: error: value of type 'NoOutput' has no member 'write'
       16 |     try output().write { file in
      \(root)/Exercises/4-dependencies/TopSongs.swift:7:39: error: cannot convert return expression of type 'Producer' to return type 'NoRequirements'
        7 |   func requires() -> NoRequirements { Producer() }
      \(root)/Exercises/4-dependencies/TopSongs.swift:9:1: error: cannot find 'x' in scope
        9 | x
      \(root)/Exercises/5-wordcount/WordCount.swift:17:17: error: call can throw but is not marked with 'try'
       17 |     for text in input() {
      """
    let hints = BuildReport(output: output).problems.map(\.hint)
    XCTAssertEqual(
      hints,
      [
        "input() is () until requires() returns a task, an array of tasks or AllOf(…) (a tuple is none of these): do the requires() TODO first, its return type too",
        "input() is () until requires() returns a task, an array of tasks or AllOf(…) (a tuple is none of these): do the requires() TODO first, its return type too",
        "output() returns NoOutput until you change its return type: do the output() TODO first",
        "change requires()'s return type too: func requires() -> Producer { … }",
        nil,
        "input() can throw (it calls requires()): write `try input()`, as in `for text in try input()`",
      ])
  }

  // The messages are Swift 6.3.1's, from exercises 5 and 7 changed as a learner coming from Python
  // would (exercise 7 compiles in Swift 6 mode).
  func testCommonFirstMistakesGetAHint() {
    let root = FileManager.default.currentDirectoryPath
    let output = """
      \(root)/Exercises/5-wordcount/WordCount.swift:18:46: error: cannot assign value of type '[String.SubSequence]' (aka 'Array<Substring>') to type '[String]'
       18 |       let pieces: [String] = try text.read().split(separator: " ")
      \(root)/Exercises/5-wordcount/WordCount.swift:19:18: error: cannot find 'Date' in scope
       19 |       let when = Date()
      \(root)/Exercises/5-wordcount/WordCount.swift:20:18: error: cannot find 'wordz' in scope
       20 |       let n = wordz
      \(root)/Exercises/7-workers/Chunk.swift:5:5: error: var 'totalWords' is not concurrency-safe because it is nonisolated global shared mutable state [#MutableGlobalVariable]
        5 | var totalWords = 0
      \(root)/Exercises/7-workers/Chunk.swift:24:9: error: main actor-isolated var 'totalWords' can not be mutated from a nonisolated context
       24 |         totalWords += 1
      """
    let hints = BuildReport(output: output).problems.map(\.hint)
    XCTAssertEqual(hints.count, 5)
    XCTAssertEqual(
      hints[0],
      "split(…) gives Substring pieces (views into the text), not Strings: "
        + "write String(piece), or pieces.map(String.init) for an array")
    XCTAssertEqual(
      hints[1],
      "Date comes from Foundation: add `import Foundation` at the top of Exercises/5-wordcount/WordCount.swift")
    XCTAssertNil(hints[2], "a misspelt name of the learner's own is not Foundation's")
    XCTAssertTrue(hints[3]?.hasPrefix("tasks run on several workers at once") == true, hints[3] ?? "no hint")
    XCTAssertTrue(
      hints[4]?.hasPrefix("tasks run on worker threads, not on the main actor") == true, hints[4] ?? "no hint")
  }

  func testAnErrorOutsideTheExercisesNamesNoExercise() {
    let report = BuildReport(output: "/elsewhere/Sources/Plumb/X.swift:1:1: error: oops\n")
    XCTAssertEqual(report.problems.first?.file, "/elsewhere/Sources/Plumb/X.swift")
    XCTAssertNil(report.exerciseFolder)
  }
}
