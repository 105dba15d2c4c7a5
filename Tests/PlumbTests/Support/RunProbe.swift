import Foundation

/// Records what test tasks do during a run, from any worker thread: the order of starts and ends,
/// how often each task ran, planned failures, and a meeting point that proves tasks overlap.
final class RunProbe: @unchecked Sendable {
  private let condition = NSCondition()
  private var entries: [String] = []
  private var runs: [String: Int] = [:]
  private var plannedFailures: [String: Int] = [:]
  private var arrivals = 0
  private var running = 0
  private var peak = 0

  /// Notes that the task named `name` began its run.
  func start(_ name: String) {
    condition.lock()
    defer { condition.unlock() }
    entries.append("start \(name)")
    runs[name, default: 0] += 1
    running += 1
    peak = max(peak, running)
  }

  /// Notes that the task named `name` finished its run.
  func end(_ name: String) {
    condition.lock()
    defer { condition.unlock() }
    entries.append("end \(name)")
    running -= 1
  }

  /// The most runs that were going on at the same time.
  var mostAtOnce: Int {
    condition.lock()
    defer { condition.unlock() }
    return peak
  }

  /// Notes something else that happened (a visit, a check).
  func note(_ entry: String) {
    condition.lock()
    defer { condition.unlock() }
    entries.append(entry)
  }

  /// Everything noted so far, in order.
  var log: [String] {
    condition.lock()
    defer { condition.unlock() }
    return entries
  }

  /// How many times the task named `name` started.
  func runCount(_ name: String) -> Int {
    condition.lock()
    defer { condition.unlock() }
    return runs[name, default: 0]
  }

  /// Every task that started, with how often.
  var allRuns: [String: Int] {
    condition.lock()
    defer { condition.unlock() }
    return runs
  }

  /// Makes the next `times` calls of `failsNow(name)` answer true.
  func planFailures(of name: String, times: Int) {
    condition.lock()
    defer { condition.unlock() }
    plannedFailures[name] = times
  }

  /// Whether this attempt of `name` should fail, counting down the planned failures.
  func failsNow(_ name: String) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard let left = plannedFailures[name], left > 0 else { return false }
    plannedFailures[name] = left - 1
    return true
  }

  /// Waits until `count` callers in all have arrived, or `timeout` seconds pass; returns whether
  /// they all arrived. Tasks that call it can only all return true if they run at the same time.
  func meet(count: Int, timeout: TimeInterval = 20) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    arrivals += 1
    condition.broadcast()
    let deadline = Date(timeIntervalSinceNow: timeout)
    while arrivals < count {
      if !condition.wait(until: deadline) { return arrivals >= count }
    }
    return true
  }
}

/// Why a test task failed on purpose.
struct PlannedFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
