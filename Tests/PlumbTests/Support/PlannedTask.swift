import Foundation
import Plumb

/// A test pipeline: which task requires which, and how each behaves.
final class Plan: @unchecked Sendable {
  /// Records starts, ends, checks and planned failures.
  let probe = RunProbe()
  /// Task name to the names it requires, in order.
  let edges: [String: [String]]
  /// Tasks whose run finishes without writing their output.
  var writesNothing: Set<String> = []
  /// Tasks whose `complete()` throws.
  var brokenChecks: Set<String> = []
  /// Tasks that wait in their run until this many tasks have met (see ``RunProbe/meet(count:timeout:)``).
  var meetings: [String: Int] = [:]

  init(_ edges: [String: [String]] = [:]) {
    self.edges = edges
  }

  /// The task named `name` in this plan.
  func task(_ name: String) -> PlannedTask { PlannedTask(name: name, plan: self) }
}

/// A task that requires what its plan says, writes `<name>.txt`, and reports to the plan's probe.
struct PlannedTask: PipelineTask {
  @Parameter(help: "the task's name in its plan") var name: String = ""
  var plan = Plan()

  func requires() -> [PlannedTask] {
    plan.probe.note("requires \(name)")
    return plan.edges[name, default: []].map(plan.task)
  }

  func output() -> LocalTarget { LocalTarget("\(name).txt") }

  func complete() throws -> Bool {
    plan.probe.note("check \(name)")
    if plan.brokenChecks.contains(name) { throw PlannedFailure("cannot check \(name)") }
    return try output().exists()
  }

  func run() throws {
    plan.probe.start(name)
    defer { plan.probe.end(name) }
    if let count = plan.meetings[name], !plan.probe.meet(count: count) {
      throw PlannedFailure("\(name) waited in vain for \(count) tasks to run at once")
    }
    if plan.probe.failsNow(name) { throw PlannedFailure("\(name) failed on purpose") }
    if plan.writesNothing.contains(name) { return }
    try output().write("done \(name)\n")
  }
}
