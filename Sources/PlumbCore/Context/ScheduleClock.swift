import Foundation

/// Where a scheduled run reads the time and waits for it: the system's clock, or in tests a
/// ``ManualClock`` that never waits for real.
///
/// ```swift
/// let clock: any ScheduleClock = SystemClock()
/// try await clock.sleep(until: clock.now.addingTimeInterval(60))
/// ```
public protocol ScheduleClock: Sendable {
  /// The current time.
  var now: Date { get }
  /// Returns once ``now`` has reached `deadline`.
  ///
  /// - Throws: `CancellationError` when the waiting Swift task is cancelled, so a stopped
  ///   scheduled run ends at once rather than at the next interval.
  func sleep(until deadline: Date) async throws
}

/// The system's clock: real time, real waiting.
///
/// ```swift
/// var runs = ScheduledRuns(schedule: try Schedule("@hourly"), start: start) { DailyReport(interval: $0) }
/// runs.clock = SystemClock()   // the default
/// ```
public struct SystemClock: ScheduleClock {
  /// The system's clock.
  ///
  /// ```swift
  /// let clock = SystemClock()
  /// ```
  public init() {}

  /// The current time.
  ///
  /// ```swift
  /// Day(SystemClock().now)   // today, in UTC
  /// ```
  public var now: Date { Date() }

  /// Waits until `deadline`, in steps of at most a minute so that a change of the system's time
  /// (a laptop waking up) is noticed.
  ///
  /// ```swift
  /// try await SystemClock().sleep(until: Date().addingTimeInterval(1))
  /// ```
  public func sleep(until deadline: Date) async throws {
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return }
      try await Task.sleep(nanoseconds: UInt64(min(remaining, 60) * 1e9))
    }
  }
}
