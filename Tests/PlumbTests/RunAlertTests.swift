import Foundation
import Plumb
import PlumbTestSupport
import XCTest

private struct AlertFails: PipelineTask {
  func output() -> LocalTarget { LocalTarget("fails.txt") }
  func run() throws { throw CocoaError(.fileWriteOutOfSpace) }
}

private struct AlertAfterFailure: PipelineTask {
  func requires() -> AlertFails { AlertFails() }
  func output() -> LocalTarget { LocalTarget("after.txt") }
  func run() throws { try output().write("after") }
}

private struct AlertWorks: PipelineTask {
  func output() -> LocalTarget { LocalTarget("works.txt") }
  func run() throws { try output().write("works") }
}

/// Fails its first try (which leaves a mark in the run's folder) and succeeds in the retry.
private struct AlertRetried: PipelineTask {
  var retryPolicy: RetryPolicy? { RetryPolicy(retries: 1) }
  func output() -> LocalTarget { LocalTarget("retried.txt") }
  func run() throws {
    let mark = LocalTarget("retried.mark")
    guard try mark.exists() else {
      try mark.write("tried")
      throw CocoaError(.fileWriteUnknown)
    }
    try output().write("retried")
  }
}

private struct AlertEverything: PipelineTask {
  func requires() -> AllOf<AlertWorks, AlertRetried, AlertAfterFailure> {
    AllOf(AlertWorks(), AlertRetried(), AlertAfterFailure())
  }
  func output() -> LocalTarget { LocalTarget("everything.txt") }
  func run() throws { try output().write("everything") }
}

final class RunAlertTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func run(_ tasks: [any PipelineTask], hook: Webhook, log: RunProbe? = nil) throws -> RunResult {
    var options = folder.options()
    if let log {
      options.logLevel = .warning
      options.logSink = { log.note($0) }
    }
    options.observers.append(hook.observer)
    options.runObservers.append(hook.runObserver)
    return try build(tasks, options: options)
  }

  private func posted(_ server: LoopbackHTTPServer) throws -> [[String: Any]] {
    try server.requests.filter { $0.method == "POST" }.map { request in
      try XCTUnwrap(try JSONSerialization.jsonObject(with: request.body) as? [String: Any], "not a JSON object")
    }
  }

  func testAFailedRunPostsTheTaskFailureThenTheVerdictAndCounts() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }

    let result = try run([AlertAfterFailure(), AlertWorks()], hook: try Webhook(url: server.url("/hook"), timeout: 5))

    XCTAssertFalse(result.success)
    let messages = try posted(server)
    XCTAssertEqual(messages.map { $0["event"] as? String }, ["failure", "run_failed"])
    let end = try XCTUnwrap(messages.last)
    XCTAssertEqual(end["verdict"] as? String, "This progress looks :( because there were failed tasks")
    XCTAssertEqual(end["exit_code"] as? Int, Int(ExitCodes().taskFailed))
    let counts = try XCTUnwrap(end["counts"] as? [String: Int])
    XCTAssertEqual(
      counts,
      [
        "scheduled": 3, "already_done": 0, "completed": 1, "succeeded_in_retry": 0, "failed": 1,
        "scheduling_error": 0, "still_pending": 1, "upstream_failure": 1, "missing_external": 0,
      ])
    let text = try XCTUnwrap(end["text"] as? String)
    XCTAssertTrue(text.hasPrefix("Plumb run on "), text)
    XCTAssertTrue(
      text.hasSuffix(
        ": This progress looks :( because there were failed tasks (3 scheduled: 1 ran successfully, 1 failed, "
          + "1 left pending (1 with failed dependencies))"), text)
    XCTAssertNotNil(end["host"] as? String)
    XCTAssertNotNil(end["time"] as? String)
  }

  // The counts in the text add up to the number scheduled: a retried success is one of those that
  // ran, and a task waiting on a failed one is one of those left pending.
  func testTheAlertsCountsAddUpToTheTasksScheduled() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    _ = try run([AlertWorks()], hook: try Webhook(url: server.url("/hook"), summary: .never, timeout: 5))

    _ = try run([AlertEverything()], hook: try Webhook(url: server.url("/hook"), timeout: 5))

    let text = try XCTUnwrap(try posted(server).last?["text"] as? String)
    XCTAssertTrue(
      text.hasSuffix(
        "(5 scheduled: 1 ran successfully (1 of them in a retry), 1 already done, 1 failed, "
          + "2 left pending (2 with failed dependencies))"), text)
  }

  func testASuccessfulRunPostsNothingByDefaultAndTheVerdictWhenAskedAlways() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }

    _ = try run([AlertWorks()], hook: try Webhook(url: server.url("/hook"), timeout: 5))
    XCTAssertEqual(server.requests.count, 0)

    try FileManager.default.removeItem(atPath: folder.path(of: "works.txt"))
    _ = try run([AlertWorks()], hook: try Webhook(url: server.url("/hook"), summary: .always, timeout: 5))
    let messages = try posted(server)
    XCTAssertEqual(messages.map { $0["event"] as? String }, ["run_succeeded"])
    XCTAssertEqual(
      messages.first?["verdict"] as? String,
      "This progress looks :) because there were no failed tasks or missing dependencies")
  }

  func testNeverPostsNoVerdict() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }

    _ = try run([AlertFails()], hook: try Webhook(url: server.url("/hook"), summary: .never, timeout: 5))

    XCTAssertEqual(try posted(server).map { $0["event"] as? String }, ["failure"])
  }

  func testTheSlackFormatIsTextAlone() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }

    _ = try run([AlertFails()], hook: try Webhook(url: server.url("/hook"), format: .slack, timeout: 5))

    let messages = try posted(server)
    XCTAssertEqual(messages.map { Array($0.keys) }, [["text"], ["text"]])
    XCTAssertEqual(
      messages.first?["text"] as? String,
      "Plumb: AlertFails() failed on \(ProcessInfo.processInfo.hostName): There isn’t enough space")
    XCTAssertTrue(
      (messages.last?["text"] as? String)?.contains("This progress looks :( because there were failed tasks") == true)
  }

  func testAnAlertThatCannotBeSentNeverStopsTheRun() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .status(500)])
    defer { server.stop() }
    let log = RunProbe()

    let result = try run(
      [AlertWorks()], hook: try Webhook(url: server.url("/hook"), summary: .always, timeout: 5), log: log)

    XCTAssertTrue(result.success)
    XCTAssertEqual(server.requests.count, 1)
    let warnings = log.log.filter { $0.contains("end-of-run observer failed") }
    XCTAssertEqual(warnings.count, 1, log.log.joined(separator: "\n"))
    XCTAssertTrue(warnings.first?.contains("500") == true, warnings.first ?? "")
  }

  func testTheConfigFileChoosesTheVerdictAndTheFormat() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    try folder.write(
      "[webhook]\nurl = \(server.url("/hook").absoluteString)\nsummary = always\nformat = slack\n", to: "plumb.cfg")

    var options = folder.options(readingConfigFiles: true)
    options.logSink = { _ in }
    let result = try build([AlertWorks()], options: options)

    XCTAssertTrue(result.success)
    let messages = try posted(server)
    XCTAssertEqual(messages.count, 1)
    XCTAssertEqual(messages.first.map { Array($0.keys) }, ["text"])
  }

  func testBadSettingsAreConfigErrors() throws {
    try folder.write("[webhook]\nurl = http://127.0.0.1:1/hook\nsummary = sometimes\n", to: "plumb.cfg")
    XCTAssertThrowsError(try build([AlertWorks()], options: folder.options(readingConfigFiles: true))) { error in
      XCTAssertTrue(
        "\(error)".contains("[webhook] summary must be failure or always or never, not 'sometimes'"), "\(error)")
    }
    try folder.write("[webhook]\nformat = slack\n", to: "plumb.cfg")
    XCTAssertThrowsError(try build([AlertWorks()], options: folder.options(readingConfigFiles: true))) { error in
      XCTAssertTrue("\(error)".contains("[webhook] format is set but [webhook] url is not"), "\(error)")
    }
  }
}
