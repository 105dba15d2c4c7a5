import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbNetwork
@testable import PlumbReporting

/// Writes the values of its parameters to word.txt, so a test sees where each value came from.
struct CliWord: PipelineTask {
  static let help = "writes its parameters to word.txt"

  @Parameter(help: "the word to write") var word: String = "default"
  @Parameter(help: "how many times") var times: Int = 1
  @Parameter(help: "whether to shout") var loud: Bool = false
  @Parameter(help: "the period") var dateInterval: String = "none"

  func output() -> LocalTarget { LocalTarget("word.txt") }
  func run() throws { try output().write("word=\(word) times=\(times) loud=\(loud) interval=\(dateInterval)") }
}

/// Requires a CliWord left at its defaults in code, to show family flags and config reaching it.
struct CliParent: PipelineTask {
  func requires() -> CliWord { CliWord() }
  func output() -> LocalTarget { LocalTarget("parent.txt") }
  func run() throws { try output().write(try input().read()) }
}

struct CliNeeds: PipelineTask {
  @Parameter(help: "a country code") var tld: String = .required
  func output() -> LocalTarget { LocalTarget("needs-\(tld).txt") }
  func run() throws { try output().write(tld) }
}

/// Requires a cycle beside another task (a cycle at the very root is the scheduler's own test).
struct CliCycleRoot: WrapperTask {
  func requires() -> AllOf<CliCycleA, CliQuiet> { AllOf(CliCycleA(), CliQuiet()) }
}

struct CliCycleA: PipelineTask {
  func requires() -> CliCycleB { CliCycleB() }
  func output() -> LocalTarget { LocalTarget("a.txt") }
  func run() throws {}
}

struct CliCycleB: PipelineTask {
  func requires() -> CliCycleA { CliCycleA() }
  func output() -> LocalTarget { LocalTarget("b.txt") }
  func run() throws {}
}

struct CliBroken: PipelineTask {
  func output() -> LocalTarget { LocalTarget("broken.txt") }
  func run() throws { throw CliFailure("broken on purpose") }
}

struct CliMissing: ExternalTask {
  func output() -> LocalTarget { LocalTarget("missing.txt") }
}

struct CliNeedsData: PipelineTask {
  func requires() -> CliMissing { CliMissing() }
  func output() -> LocalTarget { LocalTarget("needs-data.txt") }
  func run() throws {}
}

/// Fails on its first `failures` runs, counting them in attempts.txt; then succeeds.
struct CliFlaky: PipelineTask {
  @Parameter(help: "how many runs fail") var failures: Int = 2
  func output() -> LocalTarget { LocalTarget("flaky.txt") }
  func run() throws {
    let attempts = LocalTarget("attempts.txt")
    let count = (try attempts.exists() ? Int(try attempts.read()) ?? 0 : 0) + 1
    try attempts.write(String(count))
    if count <= failures { throw CliFailure("attempt \(count) failed") }
    try output().write("ok")
  }
}

/// Two tasks that each wait until both are running, so they succeed only with two workers.
struct CliPair: WrapperTask {
  func requires() -> [CliMeet] { [CliMeet(name: "a"), CliMeet(name: "b")] }
}

struct CliMeet: PipelineTask {
  static let meeting = CliMeeting()
  @Parameter(help: "which one") var name: String = ""
  init() {}
  init(name: String) { self.name = name }
  func output() -> LocalTarget { LocalTarget("meet-\(name).txt") }
  func run() throws {
    guard Self.meeting.arriveAndWait(for: 2) else { throw CliFailure("\(name) ran alone") }
    try output().write(name)
  }
}

final class CliMeeting: @unchecked Sendable {
  private let condition = NSCondition()
  private var arrivals = 0

  func reset() {
    condition.lock()
    arrivals = 0
    condition.unlock()
  }

  /// Waits until `count` tasks have arrived; false if that does not happen within 10 seconds.
  func arriveAndWait(for count: Int) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    arrivals += 1
    condition.broadcast()
    let deadline = Date(timeIntervalSinceNow: 10)
    while arrivals < count {
      if !condition.wait(until: deadline) { return false }
    }
    return true
  }
}

/// A parameter whose flag is also an engine option's.
struct CliCrawl: PipelineTask {
  @Parameter(help: "parallel downloads") var workers: Int = 1
  func output() -> LocalTarget { LocalTarget("crawl.txt") }
  func run() throws { try output().write(String(workers)) }
}

/// Parameters whose names hold acronyms, as Swift's naming guidelines write them.
struct CliFetch: PipelineTask {
  @Parameter(help: "where to download from") var downloadURL: String = "http://127.0.0.1/"
  @Parameter(help: "the page to parse") var parseHTMLFile: String = "index.html"
  @Parameter(help: "how many retries per URL") var retriesPerURLPath: Int = 1
  func run() throws {}
}

/// Two loaders whose type names clash, in two enums used as namespaces.
enum CliSongs {
  struct Load: PipelineTask {
    func output() -> LocalTarget { LocalTarget("songs.txt") }
    func run() throws { try output().write("songs") }
  }
}

enum CliPlays {
  struct Load: PipelineTask {
    func output() -> LocalTarget { LocalTarget("plays.txt") }
    func run() throws { try output().write("plays") }
  }
}

/// Writes its day to a file named after it, so a test sees the day's text form.
struct CliDated: PipelineTask {
  @Parameter(help: "the day") var date: Day = .required
  func output() -> LocalTarget { LocalTarget("dated-\(date).txt") }
  func run() throws { try output().write("\(date)") }
}

struct CliQuiet: PipelineTask {
  func run() throws {}
}

struct CliFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

final class CommandLineTests: XCTestCase {
  let command = PipelineCommand(
    name: "cli-test",
    tasks: [
      CliWord.self, CliParent.self, CliNeeds.self, CliCycleRoot.self, CliBroken.self, CliNeedsData.self,
      CliMissing.self, CliFlaky.self, CliPair.self, CliMeet.self, CliCrawl.self, CliQuiet.self,
    ])

  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func invoke(_ arguments: String..., environment: [String: String]? = nil) -> CommandOutcome {
    var output: [String] = []
    var errors: [String] = []
    let code = command.run(
      arguments: arguments, workingDirectory: folder.path, environment: environment ?? folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    return CommandOutcome(code: code, output: output.joined(separator: "\n"), errorLines: errors)
  }

  /// Runs CliWord or CliParent and returns what CliWord wrote.
  private func word(_ arguments: String..., config: String? = nil) throws -> String {
    if let config { try folder.write(config, to: "plumb.cfg") }
    var output: [String] = []
    var errors: [String] = []
    let code = command.run(
      arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    XCTAssertEqual(code, 0, "stderr: \(errors)")
    return folder.contents(of: "word.txt") ?? "(no word.txt; stderr: \(errors))"
  }

  // MARK: - Running and precedence

  func testRunsTheNamedTaskAndPrintsTheSummary() throws {
    let outcome = invoke("CliWord")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(folder.contents(of: "word.txt"), "word=default times=1 loud=false interval=none")
    let lines = outcome.output.components(separatedBy: "\n")
    XCTAssertEqual(lines.first, "===== Plumb Execution Summary =====")
    XCTAssertEqual(lines.last, "===== Plumb Execution Summary =====")
    XCTAssertTrue(outcome.output.contains("Scheduled 1 tasks"), outcome.output)
    XCTAssertTrue(outcome.messages.isEmpty, "\(outcome.messages)")
  }

  func testFlagsSetTheNamedTasksParameters() throws {
    XCTAssertEqual(
      try word("CliWord", "--word", "hi", "--times", "3", "--loud", "--date-interval", "2022-02"),
      "word=hi times=3 loud=true interval=2022-02")
  }

  func testFlagsAcceptEqualsTheExactNameAndExplicitBooleans() throws {
    XCTAssertEqual(
      try word("CliWord", "--word=a b", "--times=-2", "--loud=false", "--dateInterval", "x"),
      "word=a b times=-2 loud=false interval=x")
    try FileManager.default.removeItem(atPath: folder.path(of: "word.txt"))
    XCTAssertEqual(
      try word("CliWord", "--loud", "true", "--date_interval=y"), "word=default times=1 loud=true interval=y")
  }

  func testEngineOptionsMayComeBeforeTheTask() throws {
    XCTAssertEqual(
      try word("--workers", "2", "--local-scheduler", "CliWord", "--word", "early"),
      "word=early times=1 loud=false interval=none")
  }

  func testConfigFileBeatsTheDefault() throws {
    XCTAssertEqual(
      try word("CliWord", config: "[CliWord]\nword = config\n"), "word=config times=1 loud=false interval=none")
  }

  func testFamilyFlagBeatsTheConfigFile() throws {
    XCTAssertEqual(
      try word("CliWord", "--CliWord-word", "family", config: "[CliWord]\nword = config\n"),
      "word=family times=1 loud=false interval=none")
  }

  func testTheTasksOwnFlagBeatsFamilyFlagAndConfig() throws {
    XCTAssertEqual(
      try word("CliWord", "--CliWord-word", "family", "--word", "root", config: "[CliWord]\nword = config\n"),
      "word=root times=1 loud=false interval=none")
  }

  func testTheTasksOwnFlagWinsEvenWhenItGivesTheDefault() throws {
    XCTAssertEqual(
      try word("CliWord", "--word", "default", config: "[CliWord]\nword = config\n"),
      "word=default times=1 loud=false interval=none")
  }

  func testFamilyFlagsAndConfigReachRequiredTasks() throws {
    XCTAssertEqual(
      try word(
        "CliParent", "--CliWord-times", "4", "--CliWord-date-interval", "2022", config: "[CliWord]\nword = config\n"),
      "word=config times=4 loud=false interval=2022")
  }

  func testConfigFileNamedByTheEnvironment() throws {
    try folder.write("[CliWord]\nword = plumb\n", to: "plumb.cfg")
    try folder.write("[CliWord]\nword = custom\n", to: "custom.cfg")
    var environment = folder.environment
    environment["LUIGI_CONFIG_PATH"] = "custom.cfg"
    XCTAssertEqual(invoke("CliWord", environment: environment).code, 0)
    XCTAssertEqual(folder.contents(of: "word.txt"), "word=custom times=1 loud=false interval=none")
  }

  func testLuigiConfigFileIsRead() throws {
    XCTAssertEqual(try word("CliWord", "--no-lock"), "word=default times=1 loud=false interval=none")
    try FileManager.default.removeItem(atPath: folder.path(of: "word.txt"))
    try folder.write("[CliWord]\nword = luigi\n", to: "luigi.cfg")
    XCTAssertEqual(try word("CliWord"), "word=luigi times=1 loud=false interval=none")
  }

  // MARK: - Engine settings

  func testRetriesFromTheCommandLine() throws {
    XCTAssertEqual(invoke("CliFlaky", "--retries", "2").code, 0)
    XCTAssertEqual(folder.contents(of: "attempts.txt"), "3")
  }

  func testRetriesFromConfigUnlessTheCommandLineSaysOtherwise() throws {
    try folder.write("[scheduler]\nretry_count = 2\nretry_delay = 0\n", to: "plumb.cfg")
    XCTAssertEqual(invoke("CliFlaky", "--retries", "0").code, 30)
    XCTAssertEqual(folder.contents(of: "attempts.txt"), "1")
    XCTAssertEqual(invoke("CliFlaky").code, 0)
    XCTAssertEqual(folder.contents(of: "attempts.txt"), "3")
  }

  func testLuigisRetryCountFlag() throws {
    XCTAssertEqual(invoke("CliFlaky", "--CliFlaky-failures", "1", "--scheduler-retry-count", "1").code, 0)
    XCTAssertEqual(folder.contents(of: "attempts.txt"), "2")
  }

  /// Luigi's `--worker-retry-external-tasks`: missing external data is checked again as a failed
  /// task is retried, and fails once the retries are spent, where it was "missing" without it.
  func testRetryExternalTasksFlag() throws {
    let missing = invoke("CliNeedsData")
    XCTAssertTrue(missing.output.contains("    * 1 were missing external dependencies:\n"), missing.output)
    let checked = invoke("CliNeedsData", "--worker-retry-external-tasks", "--retries", "1")
    XCTAssertEqual(checked.code, 30, checked.output)
    XCTAssertTrue(checked.output.contains("* 1 failed:\n    - 1 CliMissing()\n"), checked.output)
    let failures = checked.errorLines.filter {
      $0.contains("CliMissing() failed: Task is an external data dependency and data does not exist (yet?).")
    }
    XCTAssertEqual(failures.count, 2, "\(checked.errorLines)")
  }

  func testWorkersFromTheCommandLine() throws {
    CliMeet.meeting.reset()
    let outcome = invoke("CliPair", "--workers", "2")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertTrue(folder.contains("meet-a.txt") && folder.contains("meet-b.txt"))
  }

  func testWorkersFromConfig() throws {
    CliMeet.meeting.reset()
    try folder.write("[core]\nworkers = 2\n", to: "plumb.cfg")
    let outcome = invoke("CliPair")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
  }

  func testLogLevel() throws {
    XCTAssertTrue(invoke("CliQuiet").errorLines.contains("plumb: running CliQuiet()"))
    XCTAssertEqual(invoke("CliQuiet", "--log-level", "error").errorLines, [])
    XCTAssertEqual(invoke("CliQuiet", "--quiet").errorLines, [])
    try folder.write("[core]\nlog_level = ERROR\n", to: "plumb.cfg")
    XCTAssertEqual(invoke("CliQuiet").errorLines, [])
    XCTAssertTrue(invoke("CliQuiet", "--log-level=info").errorLines.contains("plumb: running CliQuiet()"))
  }

  func testExitCodesForFailureAndMissingDataAndTheirConfig() throws {
    XCTAssertEqual(invoke("CliBroken").code, 30)
    // not_run = 0 (Luigi's own default) keeps the pending dependent from counting as "not run".
    try folder.write("[retcode]\nnot_run = 0\n", to: "plumb.cfg")
    XCTAssertEqual(invoke("CliNeedsData").code, 20)
    try folder.write("[retcode]\ntask_failed = 3\n", to: "plumb.cfg")
    let outcome = invoke("CliBroken")
    XCTAssertEqual(outcome.code, 3)
    XCTAssertTrue(outcome.output.contains("Scheduled 1 tasks"), outcome.output)
  }

  // MARK: - Errors

  func testUnknownTaskSuggestsTheNearestAndListsThem() {
    let outcome = invoke("CliWrod", "--word", "x")
    outcome.assertError(
      code: 2, "cli-test: error: unknown task CliWrod", "did you mean CliWord?", "CliParent, CliNeeds")
    XCTAssertEqual(outcome.output, "")
  }

  func testUnknownTaskWithoutNearName() {
    let message = invoke("Elsewhere").assertError(code: 2, "unknown task Elsewhere", "CliWord")
    XCTAssertFalse(message.contains("did you mean"), message)
  }

  func testNoTask() {
    invoke().assertError(code: 2, "no task given", "CliWord")
    invoke("--workers", "2").assertError(code: 2, "no task given")
  }

  func testMessagesShowTheCommandAsPeopleTypeIt() {
    let wrapped = PipelineCommand(name: "exercise7", tasks: [CliWord.self]) { "make run N=7 ARGS='\($0)'" }
    var output: [String] = []
    var errors: [String] = []
    func run(_ arguments: [String]) -> Int32 {
      wrapped.run(
        arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
        standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    }
    XCTAssertEqual(run([]), 2)
    XCTAssertEqual(
      errors.last,
      "exercise7: error: no task given: write make run N=7 ARGS='TASK [--PARAMETER VALUE ...]' with TASK one of CliWord"
    )
    XCTAssertEqual(run(["--wrds", "x", "CliWord"]), 2)
    XCTAssertEqual(
      errors.last,
      "exercise7: error: unknown option --wrds: a task's parameters go after its name "
        + "(make run N=7 ARGS='TASK --wrds VALUE'); make run N=7 ARGS='--help' lists the options")
    XCTAssertEqual(run(["--help"]), 0)
    let help = output.joined(separator: "\n").components(separatedBy: "\n")
    XCTAssertEqual(help.first, "Usage: make run N=7 ARGS='TASK [--PARAMETER VALUE ...] [OPTIONS]'")
    XCTAssertTrue(
      help.contains { $0.hasSuffix("show this help; make run N=7 ARGS='TASK --help' shows the task's parameters") })
  }

  func testUnknownParameterNamesTheTaskAndItsParameters() {
    invoke("CliWord", "--wrod", "x").assertError(
      code: 2, "unknown parameter --wrod for CliWord", "--word, --times, --loud, --date-interval",
      "did you mean --word?")
    invoke("CliQuiet", "--x", "1").assertError(code: 2, "unknown parameter --x for CliQuiet: it takes no parameters")
  }

  func testUnknownParameterOfAFamily() {
    invoke("CliParent", "--CliWord-wrd", "x").assertError(
      code: 2, "unknown parameter --CliWord-wrd for CliWord", "--CliWord-word", "did you mean --CliWord-word?")
  }

  func testMisspelledFamilyFlagSuggestsTheFamilyFlag() {
    invoke("CliParent", "--CliWrd-word", "x").assertError(code: 2, "--CliWrd-word", "did you mean --CliWord-word?")
  }

  func testTaskParameterBeforeTheTaskName() {
    invoke("--word", "x", "CliWord").assertError(code: 2, "unknown option --word", "go after its name")
  }

  func testMissingValueAfterAFlag() {
    invoke("CliWord", "--times").assertError(code: 2, "--times needs a value", "integer")
    invoke("CliWord", "--word", "--loud").assertError(code: 2, "--word needs a value")
    invoke("CliWord", "--workers").assertError(code: 2, "--workers needs a value")
    invoke("CliParent", "--CliWord-times").assertError(code: 2, "--CliWord-times needs a value")
  }

  func testMalformedValues() {
    invoke("CliWord", "--times", "many").assertError(
      code: 2, "CliWord: cannot use 'many' for parameter 'times' (from --times): expected an integer")
    invoke("CliWord", "--loud=maybe").assertError(code: 2, "cannot use 'maybe' for parameter 'loud'", "true or false")
    invoke("CliParent", "--CliWord-times", "x").assertError(code: 2, "(from --CliWord-times)")
    invoke("CliWord", "--workers", "0").assertError(code: 2, "cannot use '0' for --workers")
    invoke("CliWord", "--retries", "-1").assertError(code: 2, "cannot use '-1' for --retries")
    invoke("CliWord", "--retry-delay", "soon").assertError(code: 2, "cannot use 'soon' for --retry-delay")
    invoke("CliWord", "--log-level", "loud").assertError(code: 2, "error, warning or info")
    invoke("CliWord", "--no-lock=yes").assertError(code: 2, "--no-lock takes no value")
    XCTAssertFalse(folder.contains("word.txt"))
  }

  func testMalformedValueInTheConfigFile() throws {
    try folder.write("[CliWord]\ntimes = lots\n", to: "plumb.cfg")
    invoke("CliWord").assertError(
      code: 2, "cannot use 'lots' for parameter 'times' (from [CliWord] times in \(folder.path)/plumb.cfg, line 2)")
  }

  func testUnexpectedSecondWord() {
    invoke("CliWord", "CliParent").assertError(code: 2, "unexpected argument 'CliParent' after task CliWord")
  }

  func testMissingRequiredParameter() throws {
    invoke("CliNeeds").assertError(code: 2, "CliNeeds requires the 'tld' parameter to be set", "--tld VALUE")
    XCTAssertEqual(invoke("CliNeeds", "--tld", "rs").code, 0)
    XCTAssertEqual(folder.contents(of: "needs-rs.txt"), "rs")
  }

  func testBadConfigFile() throws {
    try folder.write("[CliWord\nword = x\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "bad config file", "plumb.cfg, line 1")
    try folder.write("[core]\nworkers = many\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "bad config file", "[core] workers must be an integer")
    try folder.write("[core]\nworkers = 0\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "[core] workers must be at least 1")
    try folder.write("[core]\nlog_level = chatty\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "[core] log_level must be error, warning or info")
    try folder.write("[scheduler]\nretry_delay = later\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "[scheduler] retry_delay must be a number")
    try folder.write("[execution_summary]\nsummary_length = all\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "[execution_summary] summary_length must be an integer")
    try folder.write("[retcode]\ntask_failed = bad\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, "[retcode] task_failed must be an integer")
    var environment = folder.environment
    environment["PLUMB_CONFIG_PATH"] = "nowhere.cfg"
    invoke("CliWord", environment: environment).assertError(code: 2, "nowhere.cfg", "does not exist")
    XCTAssertFalse(folder.contains("word.txt"))
  }

  func testCycleExitsWithTheSchedulingErrorCode() {
    let outcome = invoke("CliCycleRoot")
    outcome.assertError(code: 35, "cycle", "CliCycleA() -> CliCycleB() -> CliCycleA()")
    XCTAssertEqual(outcome.output, "")
  }

  func testEngineOptionWinsOverASameNamedParameterWhichTheFamilyFlagReaches() throws {
    XCTAssertEqual(invoke("CliCrawl", "--workers", "3").code, 0)
    XCTAssertEqual(folder.contents(of: "crawl.txt"), "1")
    try FileManager.default.removeItem(atPath: folder.path(of: "crawl.txt"))
    XCTAssertEqual(invoke("CliCrawl", "--CliCrawl-workers", "3").code, 0)
    XCTAssertEqual(folder.contents(of: "crawl.txt"), "3")
    XCTAssertTrue(invoke("CliCrawl", "--help").output.contains("  --CliCrawl-workers VALUE  parallel downloads"))
  }

  // MARK: - Help

  func testHelpListsTasksWithTheirDescriptions() {
    for flag in ["--help", "-h"] {
      let outcome = invoke(flag)
      XCTAssertEqual(outcome.code, 0)
      XCTAssertEqual(outcome.errorLines, [])
      let lines = outcome.output.components(separatedBy: "\n")
      XCTAssertEqual(lines.first, "Usage: cli-test TASK [--PARAMETER VALUE ...] [OPTIONS]")
      XCTAssertTrue(lines.contains { $0.hasPrefix("  CliWord ") && $0.hasSuffix("writes its parameters to word.txt") })
      XCTAssertTrue(lines.contains("  CliQuiet"), outcome.output)
      for option in ["--workers N", "--retries N", "--log-level LEVEL", "--no-lock", "--local-scheduler"] {
        XCTAssertTrue(lines.contains { $0.hasPrefix("  " + option) }, "\(option) missing from help")
      }
      XCTAssertTrue(outcome.output.contains("2 usage or config error"), outcome.output)
    }
  }

  func testTaskHelpListsParametersWithFormHelpAndDefault() {
    let outcome = invoke("CliWord", "--help")
    XCTAssertEqual(outcome.code, 0)
    XCTAssertEqual(outcome.errorLines, [])
    let lines = outcome.output.components(separatedBy: "\n")
    XCTAssertEqual(
      lines.first, "Usage: cli-test CliWord [--word VALUE] [--times VALUE] [--loud] [--date-interval VALUE] [OPTIONS]")
    XCTAssertTrue(lines.contains("writes its parameters to word.txt"))
    XCTAssertTrue(lines.contains { $0.hasPrefix("  --times VALUE") && $0.hasSuffix("how many times") }, outcome.output)
    XCTAssertTrue(lines.contains { $0.contains("an integer such as 42; default 1") }, outcome.output)
    XCTAssertTrue(lines.contains { $0.contains("true or false; default false") }, outcome.output)
    XCTAssertTrue(outcome.output.contains("--CliWord-word VALUE"), outcome.output)
  }

  func testFlagsKeepAcronymsInOneWord() {
    let command = PipelineCommand(name: "fetch", tasks: [CliFetch.self])
    var output: [String] = []
    var errors: [String] = []
    let code = command.run(
      arguments: ["CliFetch", "--help"], workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    XCTAssertEqual(code, 0, "\(errors)")
    XCTAssertEqual(
      output.first?.components(separatedBy: "\n").first,
      "Usage: fetch CliFetch [--download-url VALUE] [--parse-html-file VALUE] [--retries-per-url-path VALUE] [OPTIONS]"
    )
    XCTAssertEqual(ParameterDeclaration.dashed("dateInterval"), "date-interval")
    XCTAssertEqual(ParameterDeclaration.dashed("date_interval"), "date-interval")
    XCTAssertEqual(ParameterDeclaration.dashed("URL"), "url")
    XCTAssertEqual(ParameterDeclaration.dashed("day2Night"), "day2-night")
  }

  func testTwoRegisteredTasksOfTheSameNameAreRefused() {
    let command = PipelineCommand(name: "loads", tasks: [CliSongs.Load.self, CliPlays.Load.self])
    var errors: [String] = []
    let code = command.run(
      arguments: ["Load"], workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    XCTAssertEqual(code, ExitCodes().schedulingError)
    XCTAssertEqual(
      errors,
      [
        "loads: error: two different tasks are both called Load: one is of type PlumbTests.CliSongs.Load, "
          + "the other of type PlumbTests.CliPlays.Load; give one of them another name or a static namespace"
      ])
    XCTAssertFalse(
      folder.contains("songs.txt") || folder.contains("plays.txt"),
      "neither runs: the command line cannot tell which Load is meant")
  }

  func testTaskHelpMarksRequiredParameters() {
    let outcome = invoke("-h", "CliNeeds")
    XCTAssertEqual(outcome.code, 0)
    XCTAssertTrue(outcome.output.hasPrefix("Usage: cli-test CliNeeds --tld VALUE [OPTIONS]"), outcome.output)
    XCTAssertTrue(outcome.output.contains("any text; required"), outcome.output)
  }

  func testHelpWinsOverOtherMistakesButNotAMisnamedTask() {
    let outcome = invoke("CliWord", "--bogus", "--help")
    XCTAssertEqual(outcome.code, 0)
    XCTAssertTrue(outcome.output.hasPrefix("Usage: cli-test CliWord"), outcome.output)
    invoke("CliWrd", "--help").assertError(code: 2, "unknown task CliWrd", "did you mean CliWord?")
  }

  // MARK: - The process lock

  private func holdLock(for arguments: [String]) throws -> ProcessLock {
    try ProcessLock.acquire(
      path: ProcessLock.path(
        program: "cli-test", directory: folder.path, arguments: arguments, environment: folder.environment),
      program: "cli-test")
  }

  func testTheProcessLockFileGoesWithTheRunAndACrashedRunsFileWithTheNext() throws {
    let path = ProcessLock.path(
      program: "cli-test", directory: folder.path, arguments: ["CliWord", "--word", "y"],
      environment: folder.environment)
    XCTAssertEqual(invoke("CliWord", "--word", "y").code, 0)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the lock file outlived its run")

    // A crashed run leaves its file, which nobody holds; the next run of any command removes it.
    let stale = ProcessLock.path(
      program: "cli-test", directory: folder.path, arguments: ["CliWord", "--word", "z"],
      environment: folder.environment)
    XCTAssertTrue(FileManager.default.createFile(atPath: stale, contents: Data("12345\n".utf8)))
    XCTAssertEqual(invoke("CliWord", "--word", "w").code, 0)
    XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "a crashed run's lock file is kept for good")
  }

  func testSameCommandAlreadyRunningExitsWithTen() throws {
    let lock = try holdLock(for: ["CliWord", "--word", "x"])
    let outcome = invoke("CliWord", "--word", "x")
    outcome.assertError(code: 10, "already running", "process \(getpid())", "--no-lock")
    XCTAssertEqual(outcome.output, "")
    XCTAssertFalse(folder.contains("word.txt"))
    XCTAssertEqual(invoke("CliWord", "--word", "y").code, 0, "a different command line is not locked")
    lock.release()
    try FileManager.default.removeItem(atPath: folder.path(of: "word.txt"))
    XCTAssertEqual(invoke("CliWord", "--word", "x").code, 0)
  }

  func testNoLockFromTheCommandLineOrConfig() throws {
    let lock = try holdLock(for: ["CliQuiet", "--no-lock"])
    XCTAssertEqual(invoke("CliQuiet", "--no-lock").code, 0)
    let second = try holdLock(for: ["CliQuiet"])
    try folder.write("[core]\nno_lock = true\n", to: "plumb.cfg")
    XCTAssertEqual(invoke("CliQuiet").code, 0)
    try folder.write("[core]\nno_lock = false\n[retcode]\nalready_running = 11\n", to: "plumb.cfg")
    invoke("CliQuiet").assertError(code: 11, "already running")
    lock.release()
    second.release()
  }

  // MARK: - Awkward input

  func testControlCharactersInWhatWasTypedStayOnOneLine() throws {
    invoke("Cli\r\nWord").assertError(code: 2, #"unknown task Cli\r\nWord"#)
    invoke("Cli\u{2028}Word", "--help").assertError(code: 2, #"unknown task Cli\u{2028}Word"#)
    invoke("CliWord", "--wo\r\nrd", "x").assertError(code: 2, #"unknown parameter --wo\r\nrd for CliWord"#)
    invoke("CliParent", "--CliWord-wo\r\nrd", "x").assertError(code: 2, #"unknown parameter --CliWord-wo\r\nrd"#)
    invoke("--wor\u{2029}kers", "1", "CliWord").assertError(code: 2, #"unknown option --wor\u{2029}kers"#)
    invoke("CliWord", "--times", "1\r\n2").assertError(code: 2, #"cannot use '1\r\n2' for parameter 'times'"#)
    invoke("CliWord", "--times", "1\u{0}").assertError(code: 2, #"cannot use '1\u{0}' for parameter 'times'"#)
    invoke("CliWord", "--workers", "2\u{85}").assertError(code: 2, #"cannot use '2\u{85}' for --workers"#)
    invoke("CliWord", "ex\r\ntra").assertError(code: 2, #"unexpected argument 'ex\r\ntra'"#)
    try folder.write("[CliWord]\ntimes = 1\u{0}2\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, #"cannot use '1\u{0}2' for parameter 'times' (from [CliWord] times"#)
    try folder.write("[CliWord]\nti\u{1B}mes\n", to: "plumb.cfg")
    invoke("CliWord").assertError(code: 2, #"line 2: expected key = value, found 'ti\u{1B}mes'"#)
    XCTAssertFalse(folder.contains("word.txt"))
  }

  func testAnAccentAfterTheEqualsSignIsPartOfTheValue() throws {
    XCTAssertEqual(try word("CliWord", "--word=\u{301}x"), "word=\u{301}x times=1 loud=false interval=none")
  }

  func testAHugeFlagIsRefusedWithoutASuggestion() {
    let huge = "--" + String(repeating: "w", count: 1 << 20)
    for arguments in [["CliWord", huge, "x"], [huge, "CliWord"], ["CliParent", "--CliWord-" + huge]] {
      let message = invoke(arguments[0], arguments[1], arguments.count > 2 ? arguments[2] : "--no-lock")
        .assertError(code: 2, "unknown")
      XCTAssertFalse(message.contains("did you mean"))
    }
  }

  func testADayWithOneDigitMonthAndDayNamesTheSameTaskAsTheTwoDigitForm() throws {
    let dated = PipelineCommand(name: "cli-test", tasks: [CliDated.self])
    var output: [String] = []
    let code = dated.run(
      arguments: ["CliDated", "--date", "2024-1-3"], workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { _ in })
    XCTAssertEqual(code, 0)
    XCTAssertEqual(folder.contents(of: "dated-2024-01-03.txt"), "2024-01-03")
    XCTAssertTrue(output.joined().contains("CliDated(date=2024-01-03)"), output.joined())
    var given = CliDated()
    given.date = try XCTUnwrap(Day(parameterText: "2024-1-3"))
    var written = CliDated()
    written.date = try XCTUnwrap(Day(parameterText: "2024-01-03"))
    XCTAssertEqual(TaskInfo(given).id, TaskInfo(written).id)
    XCTAssertEqual(TaskInfo(given).description, "CliDated(date=2024-01-03)")
  }

  // MARK: - Helpers

  func testSuggestions() {
    XCTAssertEqual(Suggestion.editDistance(Array("kitten"), Array("sitting")), 3)
    XCTAssertEqual(Suggestion.editDistance(Array(""), Array("abc")), 3)
    XCTAssertEqual(Suggestion.closest(to: "topsongs", among: ["Producer", "TopSongs"]), "TopSongs")
    XCTAssertNil(Suggestion.closest(to: "Weather", among: ["Producer", "TopSongs"]))
  }

  func testSuggestionsForHugeWordsAreBounded() {
    let flags = ["--word", "--times", "--loud", "--date-interval", "--workers"]
    XCTAssertNil(Suggestion.closest(to: "--" + String(repeating: "w", count: 1 << 20), among: flags))
    XCTAssertNil(Suggestion.closest(to: String(repeating: "\u{301}", count: 1 << 20), among: flags))
    XCTAssertNil(Suggestion.closest(to: "--word", among: []))
    XCTAssertEqual(Suggestion.closest(to: "--wrod", among: flags), "--word")
    XCTAssertEqual(Suggestion.closest(to: "--wordd", among: flags), "--word")
    // A word just within a third of a long candidate still gets it.
    XCTAssertEqual(Suggestion.closest(to: "--date-intervalxxxxx", among: flags), "--date-interval")
    XCTAssertNil(Suggestion.closest(to: "--date-intervalxxxxxxxx", among: flags))
    // With a limit, the answer is only "more than the limit".
    let long = Array(String(repeating: "a", count: 5000))
    let other = Array(String(repeating: "b", count: 5000))
    XCTAssertGreaterThan(Suggestion.editDistance(long, other, limit: 3), 3)
    XCTAssertEqual(Suggestion.editDistance(Array("kitten"), Array("sitting"), limit: 3), 3)
    XCTAssertGreaterThan(Suggestion.editDistance(Array("kitten"), Array("sitting"), limit: 2), 2)
  }
}
