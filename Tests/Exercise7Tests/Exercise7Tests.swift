import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

@testable import Exercise7

/// Exercise 7, parallel workers: a 40-wide fan-in over shared data, four workers at once, and the
/// same run on Luigi's central scheduler.
final class Exercise7Tests: GradedTestCase {
  override var exerciseNumber: Int { 7 }

  let diaryFolder = ExerciseInfo.packageRoot + "/data/wordcount"

  var inChunkRun: String { todo("Chunk.run()", in: "Chunk.swift") }
  var inRequires: String { todo("Assemble.requires()", in: "Assemble.swift") }
  var inAssembleRun: String { todo("Assemble.run()", in: "Assemble.swift") }

  override func setUpWithError() throws {
    try super.setUpWithError()
    // The workspace is a temporary folder, so tell Chunk where the committed diary is.
    try workspace.write("[Chunk]\nfolder = \(diaryFolder)\n", to: "plumb.cfg")
  }

  func testAChunkCountsTheWordsOfItsPartOfTheDiary() {
    for part in [0, 3, 39] {
      let chunk = Chunk(part: part)
      guard let run = run(chunk), expectRan(run, chunk) else { return }
      let lines = diaryLines().enumerated().filter { $0.offset % 40 == part }.map(\.element)
      let expected = independentCount(of: lines).sorted { $0.key < $1.key }
      guard
        expectFile(
          "chunks/chunk-\(part).tsv", holding: expected.map { "\($0.key)\t\($0.value)\n" }.joined(),
          next:
            "count the words of the lines whose number % Assemble.parts == part, and write \"word\\tcount\" lines in alphabetical order: \(inChunkRun)"
        )
      else { return }
    }
  }

  func testAssembleRequiresEveryChunkAndNoChunkRequiresAnother() throws {
    // Through the protocol, whether the learner's requires() throws or not.
    let assemble: any PipelineTask = Assemble()
    let required = try assemble.requires().requiredTasks
    let parts = required.compactMap { ($0 as? Chunk)?.part }
    guard
      expect(
        parts.count == required.count && parts.sorted() == Array(0..<40),
        "Assemble should require the 40 Chunks, parts 0 to 39.", expected: "Chunk(part=0) … Chunk(part=39)",
        found: difference(from: required), next: "return `(0..<Self.parts).map { Chunk(part: $0) }` in \(inRequires)")
    else { return }
    for chunk in required {
      let below = try chunk.requires().requiredTasks
      guard
        expect(
          below.isEmpty, "\(TaskInfo(chunk)) should require nothing, so that workers can run the Chunks at once.",
          expected: "no requirement", found: below.map { "\(TaskInfo($0))" }.joined(separator: ", "),
          next: "leave Chunk's requires() out (\(exercise.path(of: "Chunk.swift")))")
      else { return }
    }
  }

  func testAssembleAddsUpTheChunks() {
    let task = Assemble()
    guard let run = run(task), expectRan(run, task) else { return }
    let counts = independentCount(of: diaryLines())
    let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    expectFile(
      "index.tsv", holding: sorted.map { "\($0.key)\t\($0.value)\n" }.joined(),
      next:
        "add up every Chunk's counts and write \"word\\tcount\" lines, most frequent first, ties alphabetical: \(inAssembleRun)"
    )
  }

  func testFourWorkersRunFourChunksAtOnce() {
    let meeting = MeetingPoint(count: 4)
    let task = Assemble()
    let finished = run([task]) { options in
      options.workers = 4
      options.willRun = { info in
        if info.family == "Chunk" { await meeting.arrive() }
      }
    }
    guard let run = finished, expectRan(run, task) else { return }
    let together = meeting.mostAtOnce
    expect(
      together >= 4, "With --workers 4, four Chunks should run at the same time.",
      expected: "4 Chunks at once", found: "at most \(together) at once",
      next: "make each Chunk need nothing but the diary, and return all 40 from \(inRequires)")
  }

  func testTheSummaryListsFortyChunks() {
    let task = Assemble()
    guard let run = run([task], configure: { $0.workers = 4 }), expectRan(run, task) else { return }
    expectSummary(
      run,
      """
      Scheduled 41 tasks of which:
      * 41 ran successfully:
          - 1 Assemble()
          - 40 Chunk(part=0...39)

      This progress looks :) because there were no failed tasks or missing dependencies
      """, next: "return the 40 Chunks from \(inRequires)")
  }

  func testTheCentralSchedulerKnowsEveryTaskDoneWithItsDependencies() throws {
    let luigid: LuigidServer
    do {
      luigid = try LuigidServer(for: self)
    } catch {
      XCTFail(
        Feedback.message(
          "This check runs the pipeline on a luigid of its own, which did not start.", found: "\(error)",
          next: "run `make luigid-venv` once (it installs Luigi into .build-luigi/), then make check N=7"))
      return
    }
    let task = Assemble()
    let finished = run([task]) { options in
      options.workers = 4
      options.scheduler = .central(luigid.scheduler)
    }
    guard let run = finished, expectRan(run, task) else { return }
    let done = try luigid.call("task_list", ["status": "DONE", "upstream_status": "", "search": ""]) as? [String: Any]
    let families = (done ?? [:]).values.compactMap { ($0 as? [String: Any])?["name"] as? String }
    let chunks = families.filter { $0 == "Chunk" }.count
    let assembles = families.filter { $0 == "Assemble" }.count
    guard
      expect(
        chunks == 40 && assembles == 1, "luigid should know the 41 tasks of the run as done.",
        expected: "40 Chunk and 1 Assemble, DONE", found: "\(chunks) Chunk and \(assembles) Assemble",
        next: "return the 40 Chunks from \(inRequires)")
    else { return }
    let assembleID = TaskInfo(task).id
    let graph = try luigid.call("dep_graph", ["task_id": assembleID, "include_done": true]) as? [String: Any]
    let deps = ((graph?[assembleID] as? [String: Any])?["deps"] as? [Any])?.count ?? 0
    expect(
      deps == 40, "luigid's graph should show Assemble with its 40 Chunks.", expected: "40 dependencies",
      found: "\(deps)", next: "return the 40 Chunks from \(inRequires)")
  }

  /// Two `make run`s at once in one folder on one luigid (two terminals, as the README has it):
  /// each task runs in one process only, and each summary counts only what its own process ran.
  func testTwoRunsAtOnceOnOneLuigidShareTheWork() throws {
    let luigid: LuigidServer
    let pipelines: BuiltExecutable
    do {
      luigid = try LuigidServer(for: self)
      pipelines = try BuiltExecutable("pipelines")
    } catch {
      XCTFail(
        Feedback.message(
          "This check runs two pipelines at once on a luigid of its own, which could not start.", found: "\(error)",
          next: "run `make luigid-venv` once (it installs Luigi into .build-luigi/), then make check N=7"))
      return
    }
    // As the README has it: --worker-keep-alive, so that each waits for the tasks the other runs,
    // and --no-lock on the second, since the same command twice in one folder is otherwise refused
    // (exit code 10), as Luigi refuses it.
    let arguments = ["7", "Assemble", "--workers", "2", "--worker-keep-alive"] + luigid.flags
    let runs = try [arguments, arguments + ["--no-lock"]].map { arguments in
      let process = pipelines.process(arguments, in: workspace)
      let output = Pipe()
      process.standardOutput = output
      process.standardError = output
      try process.run()
      return (process, output)
    }
    let outcomes = runs.map { process, output in
      let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      return (status: process.terminationStatus, crashed: process.terminationReason != .exit, text: text)
    }
    let lines = outcomes.map { $0.text.split(separator: "\n").map(String.init) }
    if let notDone = notDoneMessage(inLog: Array(lines.joined())) {
      XCTFail(notDone)
      return
    }
    // 10 (`already_running`) when the other ran part of this run's tasks, as Luigi's worker says.
    for (index, outcome) in outcomes.enumerated() where outcome.crashed || ![0, 10].contains(outcome.status) {
      XCTFail(
        Feedback.message(
          "Run \(index + 1) of two at once on one luigid did not succeed.",
          expected: "exit code 0, or 10 when the other run ran some of its tasks",
          found: outcome.crashed ? "it crashed" : "exit code \(outcome.status)\n" + Feedback.block(outcome.text),
          next: "make the pipeline pass the checks above first, then make check N=7"))
      return
    }
    // `plumb: done Chunk(part=3) in 0.00 s`: what each process ran itself.
    let ran = lines.map { lines in
      lines.filter { $0.hasPrefix("plumb: done ") }.map {
        $0.dropFirst("plumb: done ".count).components(separatedBy: " in ")[0]
      }
    }
    let twice = Set(ran[0]).intersection(ran[1]).sorted()
    guard
      expect(
        twice.isEmpty, "With luigid, two runs at once should never run the same task twice.",
        expected: "each task in one run only", found: "run in both: \(twice.prefix(5).joined(separator: ", "))",
        next: "give each Chunk its own output file, named after its part only: the output() in Chunk.swift")
    else { return }
    let all = Set(ran[0] + ran[1])
    guard
      expect(
        all.count == 41, "Between them, the two runs should run the 41 tasks.", expected: "41 tasks",
        found: "\(all.count): \(ran[0].count) in the first run, \(ran[1].count) in the second",
        next: "return the 40 Chunks from \(inRequires)")
    else { return }
    for (index, outcome) in outcomes.enumerated() {
      let line = "* \(ran[index].count) ran successfully:"
      let summary = Feedback.block(PipelineRun.body(ofSummary: outcome.text))
      guard
        expect(
          ran[index].isEmpty || outcome.text.contains(line),
          "Run \(index + 1)'s summary should count as run only the tasks it ran itself.",
          expected: line, found: summary, next: "make the pipeline pass the checks above first, then make check N=7")
      else { return }
      // What the other ran is "being run by another worker", or "complete" if it was done before
      // this run looked; exit code 10 goes with the first.
      let byOther = SummaryText.count(of: "were being run by another worker", in: outcome.text)
      let complete = SummaryText.count(of: "complete ones were encountered", in: outcome.text)
      guard
        expect(
          byOther + complete == ran[1 - index].count && (byOther > 0) == (outcome.status == 10),
          "Run \(index + 1)'s summary should list the \(ran[1 - index].count) tasks the other run ran as its.",
          expected: "* \(ran[1 - index].count) were being run by another worker: (exit code 10)",
          found: "exit code \(outcome.status)\n" + summary,
          next: "make the pipeline pass the checks above first, then make check N=7")
      else { return }
    }
  }

  // MARK: - Helpers

  /// How `required` differs from the 40 Chunks, parts 0 to 39: the extra tasks, the missing parts,
  /// the parts required twice, rather than the whole list, which the difference would drown in.
  func difference(from required: [any PipelineTask]) -> String {
    guard !required.isEmpty else { return "no task" }
    let parts = required.compactMap { ($0 as? Chunk)?.part }
    let chunk = { (part: Int) in "Chunk(part=\(part))" }
    let extra =
      required.filter { task in (task as? Chunk).map { !(0..<40).contains($0.part) } ?? true }
      .map { "\(TaskInfo($0))" }
    let missing = (0..<40).filter { !parts.contains($0) }.map(chunk)
    let twice = Set(parts.filter { part in parts.filter { $0 == part }.count > 1 }).sorted().map(chunk)
    let list = { (tasks: [String]) in
      tasks.count <= 6
        ? tasks.joined(separator: ", ") : tasks.prefix(5).joined(separator: ", ") + " and \(tasks.count - 5) more"
    }
    var found = ["\(required.count) task\(required.count == 1 ? "" : "s")"]
    if !extra.isEmpty { found.append("also \(list(extra))") }
    if !missing.isEmpty { found.append("without \(list(missing))") }
    if !twice.isEmpty { found.append("twice: \(list(twice))") }
    return found.joined(separator: "; ")
  }

  /// Checks that `task` ran to the end; a failure names what stopped it.
  func expectRan(_ run: PipelineRun, _ task: any PipelineTask, line: UInt = #line) -> Bool {
    expectDone(run, task, next: { _ in "fix \(task is Chunk ? self.inChunkRun : self.inAssembleRun)" }, line: line)
  }

  /// The diary's lines that are not empty, day after day, read here rather than with the exercise's code.
  func diaryLines() -> [String] {
    let days = ((try? FileManager.default.contentsOfDirectory(atPath: diaryFolder)) ?? []).filter {
      $0.hasSuffix(".txt")
    }
    return days.sorted().flatMap { day in
      ((try? String(contentsOfFile: "\(diaryFolder)/\(day)", encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
    }
  }

  /// The words of `lines` counted here, independently of the exercise's code: ASCII letters and
  /// digits make words, everything else separates or is dropped.
  func independentCount(of lines: [String]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for piece in lines.joined(separator: "\n").lowercased().components(separatedBy: .whitespacesAndNewlines) {
      let word = String(
        String.UnicodeScalarView(piece.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }))
      if !word.isEmpty { counts[word, default: 0] += 1 }
    }
    return counts
  }
}
