import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Runs the built `plumb-signals` executable (Sources/PlumbSignals) and stops it with signals, closes
/// its pipes, or makes it trap, checking what it prints, the exit code and the files it leaves.
///
/// Its tasks create `started-…` files and wait for `release-…` files, so each test waits for a state
/// (a file, a line on standard error), never for a length of time.
final class SignalProcessTests: XCTestCase {
  private var folder: TemporaryFolder!

  private var signals: BuiltExecutable!

  override func setUpWithError() throws {
    signals = try BuiltExecutable("plumb-signals")
    folder = try TemporaryFolder(removedAfter: self)
  }

  private struct Timeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "gave up waiting for \(what)" }
  }

  // MARK: - Stopping signals

  func testSigtermLetsRunningTasksFinishAndPrintsTheSummary() throws {
    try folder.write("[core]\nstop_grace_period = 600\n", to: "plumb.cfg")
    let process = try start("Top", "--workers", "3")
    try waitFor("the three requirements to start") {
      folder.contains("started-Blocked-1") && folder.contains("started-Sleeper") && folder.contains("quick-1.txt")
    }
    kill(process.processIdentifier, SIGTERM)
    try waitFor("the run to stop") { errors.contains("stopping (SIGTERM)") }
    // The synchronous task finishes within the grace period; the asynchronous one was cancelled.
    try folder.write("", to: "release-1")
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 143, "\(outcome.errorLines)")
    XCTAssertTrue(outcome.output.hasPrefix("===== Plumb Execution Summary ====="), outcome.output)
    for line in [
      "* 2 ran successfully:", "    - 1 Blocked(n=1)", "    - 1 Quick(n=1)", "* 2 were left pending, among these:",
      "The run was stopped (SIGTERM) before these tasks finished:", "    - Sleeper(): its run was interrupted",
      "    - 1 task was not started",
    ] {
      XCTAssertTrue(outcome.output.contains(line + "\n"), "'\(line)' missing from: \(outcome.output)")
    }
    XCTAssertEqual(folder.contents(of: "blocked-1.txt"), blockedOutput(1))
    XCTAssertEqual(folder.contents(of: "quick-1.txt"), "quick 1\n")
    XCTAssertFalse(folder.contains("sleeper.txt"))
    XCTAssertFalse(folder.contains("top.txt"))
    XCTAssertEqual(temporaryFiles, [])
  }

  func testSigintAbandonsATaskAfterTheGracePeriodAndLeavesNothingOfItsWrite() throws {
    try folder.write("[core]\nstop_grace_period = 0.1\n", to: "plumb.cfg")
    let process = try start("Top", "--workers", "3")
    try waitFor("the three requirements to start") {
      folder.contains("started-Blocked-1") && folder.contains("started-Sleeper") && folder.contains("quick-1.txt")
    }
    XCTAssertEqual(unnamedFiles(openIn: process), 1, "Blocked(n=1) is writing")
    process.interrupt()
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 130, "\(outcome.errorLines)")
    for line in [
      "* 1 ran successfully:", "* 3 were left pending, among these:", "    - Blocked(n=1): its run was interrupted",
      "    - Sleeper(): its run was interrupted", "    - 1 task was not started",
    ] {
      XCTAssertTrue(outcome.output.contains(line + "\n"), "'\(line)' missing from: \(outcome.output)")
    }
    XCTAssertTrue(
      outcome.errorLines.contains { $0.hasSuffix("left behind: Blocked(n=1)") }, "\(outcome.errorLines)")
    XCTAssertEqual(temporaryFiles, [])
    XCTAssertFalse(folder.contains("blocked-1.txt"))
    XCTAssertEqual(folder.contents(of: "quick-1.txt"), "quick 1\n")
  }

  func testAProcessKilledWhileATaskWritesALargeFileLeavesNothingOfIt() throws {
    let process = try start("Blocked")
    try waitFor("Blocked to start") { folder.contains("started-Blocked-1") }
    XCTAssertEqual(unnamedFiles(openIn: process), 1, "Blocked(n=1) is writing")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    XCTAssertEqual(process.terminationReason, .uncaughtSignal)
    XCTAssertFalse(folder.contains("blocked-1.txt"))
    XCTAssertEqual(temporaryFiles, [])
  }

  func testSigusr1FinishesTheRunningTaskStartsNoMoreAndEndsOnItsSummaryAsLuigisWorker() throws {
    for n in 1...3 { try folder.write("", to: "hold-part-\(n)") }
    let process = try start("FanIn", "--count", "3", "--workers", "1")
    var held = 0
    try waitFor("a part to start") {
      held = (1...3).first { folder.contains("started-Part-\($0)") } ?? 0
      return held > 0
    }
    kill(process.processIdentifier, SIGUSR1)
    try waitFor("the run to phase out") { errors.contains("phasing out (SIGUSR1)") }
    // No grace period: the part finishes whenever it is released.
    for n in 1...3 { try folder.write("", to: "release-part-\(n)") }
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, ExitCodes().notRun, "\(outcome.errorLines)")
    XCTAssertTrue(
      outcome.errorLines.contains(
        "plumb: SIGUSR1: finishing the running tasks, starting no more; SIGTERM stops at once"),
      "\(outcome.errorLines)")
    let others = (1...3).filter { $0 != held }.map(String.init).joined(separator: ",")
    for line in [
      "* 1 ran successfully:", "    - 1 Part(n=\(held))", "* 3 were left pending, among these:",
      "    * 3 was not granted run permission by the scheduler:", "        - 1 FanIn(count=3)",
      "        - 2 Part(n=\(others))",
    ] {
      XCTAssertTrue(outcome.output.contains(line + "\n"), "'\(line)' missing from: \(outcome.output)")
    }
    XCTAssertFalse(outcome.output.contains("stopped"), outcome.output)
    XCTAssertEqual(folder.contents(of: "part-\(held).txt"), "\(held)\n")
    XCTAssertEqual(folder.contents(of: "ran.log")?.split(separator: "\n").count, 1)
  }

  /// Luigi's `[worker] no_install_shutdown_handler` leaves SIGUSR1 alone: its default action ends
  /// the process at once, with no summary.
  func testSigusr1IsLeftAloneWithNoInstallShutdownHandler() throws {
    try folder.write("[worker]\nno_install_shutdown_handler = true\n", to: "plumb.cfg")
    try assertSigusr1EndsTheProcessAtOnce(extraArguments: [])
  }

  func testSigusr1IsLeftAloneWithTheFlagOfTheSameName() throws {
    try assertSigusr1EndsTheProcessAtOnce(extraArguments: ["--worker-no-install-shutdown-handler"])
  }

  private func assertSigusr1EndsTheProcessAtOnce(extraArguments: [String]) throws {
    for n in 1...3 { try folder.write("", to: "hold-part-\(n)") }
    let process = try start(arguments: ["FanIn", "--count", "3", "--workers", "1"] + extraArguments)
    try waitFor("a part to start") { (1...3).contains { folder.contains("started-Part-\($0)") } }
    kill(process.processIdentifier, SIGUSR1)
    // A phase-out would wait for the held part for ever.
    try waitFor("SIGUSR1 to end the process") { !process.isRunning }

    XCTAssertEqual(process.terminationReason, .uncaughtSignal, errors)
    XCTAssertEqual(process.terminationStatus, SIGUSR1, errors)
    XCTAssertFalse(errors.contains("SIGUSR1: finishing the running tasks"), errors)
    XCTAssertEqual(folder.contents(of: ".stdout"), "", "no summary")
  }

  func testSighupExitsWith129() throws {
    let process = try start("Sleeper")
    try waitFor("Sleeper to start") { folder.contains("started-Sleeper") }
    kill(process.processIdentifier, SIGHUP)
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 129, "\(outcome.errorLines)")
    XCTAssertTrue(outcome.output.contains("Scheduled 1 tasks of which:"), outcome.output)
    XCTAssertTrue(outcome.output.contains("    - Sleeper(): its run was interrupted\n"), outcome.output)
    XCTAssertFalse(folder.contains("sleeper.txt"))
  }

  func testASecondSigintStopsAtOnce() throws {
    try folder.write("[core]\nstop_grace_period = 600\n", to: "plumb.cfg")
    let process = try start("Blocked")
    try waitFor("Blocked to start") { folder.contains("started-Blocked-1") }
    process.interrupt()
    try waitFor("the first SIGINT to be handled") { errors.contains("SIGINT: stopping") }
    process.interrupt()
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 130, "\(outcome.errorLines)")
    XCTAssertEqual(outcome.output, "", "no summary after a second signal")
    XCTAssertTrue(outcome.errorLines.contains("plumb: SIGINT again: stopping at once"), "\(outcome.errorLines)")
    XCTAssertEqual(temporaryFiles, [])
    XCTAssertFalse(folder.contains("blocked-1.txt"))
  }

  // MARK: - Pipes and traps

  func testClosedPipesDoNotStopTheRun() throws {
    let process = signals.process(["Quick", "--n", "2"], in: folder)
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    // Nobody reads: every write to standard output or error meets a closed pipe.
    try output.fileHandleForReading.close()
    try errors.fileHandleForReading.close()
    try process.run()
    process.waitUntilExit()

    XCTAssertEqual(process.terminationReason, .exit)
    XCTAssertEqual(process.terminationStatus, 0)
    XCTAssertEqual(folder.contents(of: "quick-2.txt"), "quick 2\n")
  }

  func testATasksPrintedLinesComeBeforeTheLogLinesThatFollowThem() throws {
    let process = signals.process(["Chatty"], in: folder)
    try folder.write("", to: ".both")
    // One file for both streams, as `2>&1` or the kit's `make run` gives them.
    let both = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".both")))
    process.standardOutput = both
    process.standardError = both
    try process.run()
    process.waitUntilExit()

    let lines = (folder.contents(of: ".both") ?? "").split(separator: "\n").map(String.init)
    let printed = try XCTUnwrap(lines.firstIndex(of: "Chatty says hello"), "\(lines)")
    let done = try XCTUnwrap(lines.firstIndex { $0.contains("done") && $0.contains("Chatty()") }, "\(lines)")
    let summary = try XCTUnwrap(lines.firstIndex { $0.contains("Plumb Execution Summary") }, "\(lines)")
    XCTAssertLessThan(printed, done, "\(lines)")
    XCTAssertLessThan(printed, summary, "\(lines)")
  }

  func testATrapNamesTheRunningTask() throws {
    // Without the runtime's backtracer, and with it (the handler hands the signal on to it).
    for backtrace in ["enable=no", "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none"] {
      let process = try start("Crash", environment: ["SWIFT_BACKTRACE": backtrace])
      process.waitUntilExit()

      XCTAssertEqual(process.terminationReason, .uncaughtSignal, backtrace)
      let lines = errors.split(separator: "\n").map(String.init)
      XCTAssertTrue(lines.contains("plumb: the run crashed while running Crash(index=3)"), "\(backtrace): \(lines)")
      #if DEBUG
        // An optimized build traps on the bad index without the runtime's message.
        XCTAssertTrue(lines.contains { $0.contains("Fatal error: Index out of range") }, "\(backtrace): \(lines)")
      #endif
      XCTAssertFalse(folder.contains("crash.txt"))
    }
  }

  // MARK: - Scheduled runs

  /// `schedule ... --forever` on the real clock: it backfills, then waits for tomorrow's midnight;
  /// Ctrl-C ends the wait at once, between runs, with the backfill's summary printed and 130.
  func testSigintStopsAScheduledRunWhileItWaits() throws {
    let first = Day(Date()).adding(days: -3)
    let process = try start("schedule", "Daily", "--cron", "@daily", "--start", "\(first)", "--forever")
    try waitFor("the backfill and the wait for the next day") { errors.contains("waiting until") }
    process.interrupt()
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 130, "\(outcome.errorLines)")
    XCTAssertTrue(
      outcome.output.contains(
        "* 3 ran successfully:\n    - 3 Daily(date=\(first),\(first.adding(days: 1)),\(first.adding(days: 2)))\n"),
      outcome.output)
    XCTAssertEqual(outcome.output.components(separatedBy: "Scheduled ").count, 2, "one pass: \(outcome.output)")
    XCTAssertEqual(folder.files().filter { $0.hasPrefix("daily-") }.count, 3)
  }

  func testSigusr1EndsAScheduledRunWhileItWaitsWithTheExitCodeOfItsPasses() throws {
    let first = Day(Date()).adding(days: -2)
    let process = try start("schedule", "Daily", "--cron", "@daily", "--start", "\(first)", "--forever")
    try waitFor("the backfill and the wait for the next day") { errors.contains("waiting until") }
    kill(process.processIdentifier, SIGUSR1)
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(outcome.output.components(separatedBy: "Scheduled ").count, 2, "one pass: \(outcome.output)")
    XCTAssertEqual(folder.files().filter { $0.hasPrefix("daily-") }.count, 2)
  }

  // MARK: - S3 uploads

  /// A server standing in for S3: `big.bin` is missing (when the run checks it, and again under the
  /// task's lock), its multipart upload starts, and its first part is never answered; `small.bin` is
  /// missing and then stored.
  private func s3StandIn() throws -> LoopbackHTTPServer {
    let started = "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>"
    return try LoopbackHTTPServer(routes: [
      "/uploads": .data(
        Data("<ListBucketResult></ListBucketResult>".utf8), status: 200, contentType: "application/xml"),
      // One existence check each, while the run schedules it: a run alone in its folder does not
      // check again before running the task.
      "/uploads/big.bin": .sequence([
        .status(404), .data(Data(started.utf8), status: 200, contentType: "application/xml"), .noAnswer,
      ]),
      "/uploads/small.bin": .sequence([.status(404), .status(200)]),
    ])
  }

  /// Points the pipeline's object store at `server`, and its temporary folder at `tmp` in the test's folder.
  private func useS3(_ server: LoopbackHTTPServer) throws -> [String: String] {
    try folder.write(
      "[core]\nstop_grace_period = 0.1\n[object_store]\nbackend = s3\nendpoint = \(server.baseURL.absoluteString)\n"
        + "access_key_id = k\nsecret_access_key = s\n", to: "plumb.cfg")
    try FileManager.default.createDirectory(atPath: folder.path(of: "tmp"), withIntermediateDirectories: true)
    return ["TMPDIR": folder.path(of: "tmp")]
  }

  /// The finished files uploads send from, in the pipeline's temporary folder.
  private var uploadFiles: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path(of: "tmp"))) ?? []).filter {
      $0.hasPrefix("plumb-s3-")
    }
  }

  func testSigtermDuringAnUploadRemovesTheFileItSendsFrom() throws {
    let server = try s3StandIn()
    defer { server.stop() }
    let process = try start("Upload", environment: try useS3(server))
    try waitFor("the upload's first part") { server.requests.contains { $0.method == "PUT" } }
    XCTAssertEqual(uploadFiles.count, 1, "the file exists while its parts go up")

    kill(process.processIdentifier, SIGTERM)
    let outcome = finish(process)

    XCTAssertEqual(outcome.code, 143, "\(outcome.errorLines)")
    XCTAssertEqual(uploadFiles, [], "a stopped run's temporary files go")
  }

  func testTheFileOfAnUploadKilledOutrightGoesWithTheNextUpload() throws {
    let server = try s3StandIn()
    defer { server.stop() }
    let environment = try useS3(server)
    let killed = try start("Upload", environment: environment)
    try waitFor("the upload's first part") { server.requests.contains { $0.method == "PUT" } }
    kill(killed.processIdentifier, SIGKILL)
    killed.waitUntilExit()
    XCTAssertEqual(uploadFiles.count, 1, "a process killed outright cannot remove its own file")

    let next = try start("Upload", "--key", "small.bin", "--megabytes", "1", environment: environment)
    let outcome = finish(next)

    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(uploadFiles, [], "the next upload removes the files of processes that ended")
  }

  // MARK: - Helpers

  /// Starts plumb-signals in the test's folder, its output and errors going to files there (a file
  /// never fills up and stalls the child as a pipe can).
  private func start(_ arguments: String..., environment: [String: String] = [:]) throws -> Process {
    try start(arguments: arguments, environment: environment)
  }

  private func start(arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = signals.process(arguments, in: folder)
    process.environment?.merge(environment) { $1 }
    try folder.write("", to: ".stdout")
    try folder.write("", to: ".stderr")
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".stdout")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".stderr")))
    try process.run()
    // A test that fails half-way must not leave its pipeline running (some wait for minutes).
    addTeardownBlock {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    return process
  }

  /// What the process has written to standard error so far.
  private var errors: String { folder.contents(of: ".stderr") ?? "" }

  /// The temporary files of writes in progress in the folder.
  private var temporaryFiles: [String] { folder.files().filter { $0.contains("-plumb-tmp-") } }

  /// How many files without a name (`O_TMPFILE`) in the folder `process` has open: Linux shows
  /// each in `/proc` as `<folder>/#<inode> (deleted)`.
  private func unnamedFiles(openIn process: Process) -> Int {
    let descriptors = "/proc/\(process.processIdentifier)/fd"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? []
    return entries.count { entry in
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(entry)")
      else { return false }
      return target.hasPrefix(folder.path + "/#") && target.hasSuffix(" (deleted)")
    }
  }

  /// Waits until `condition` holds; gives up after a minute, so that a broken engine fails the
  /// test rather than hanging it.
  private func waitFor(_ what: String, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(60)
    while !condition() {
      guard Date() < deadline else { throw Timeout(what: what) }
      usleep(10_000)
    }
  }

  private func finish(_ process: Process) -> CommandOutcome {
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .exit, "plumb-signals was killed: \(errors)")
    return CommandOutcome(
      code: process.terminationStatus, output: folder.contents(of: ".stdout") ?? "",
      errorLines: errors.split(separator: "\n", omittingEmptySubsequences: true).map(String.init))
  }
}

/// What `Blocked(n:)` of the plumb-signals program writes: its line, then more than a write keeps in
/// memory, so that a stopped run finds a temporary file to remove.
func blockedOutput(_ n: Int) -> String {
  "blocked \(n)\n" + String(repeating: "-", count: 64 * 1024) + "\n"
}
