import Foundation
import PlumbCore
import Synchronization

/// A clock that moves only when told to, for tests of scheduled runs: nothing waits for real.
///
/// By default, sleeping moves the clock straight to the deadline, so a scheduled run goes from
/// one interval to the next at once; stop it (``ScheduledRuns/run(forever:stop:onPass:willRun:)``)
/// after the runs the test wants to see. ``advance(to:)`` moves it by hand.
///
/// ```swift
/// let clock = ManualClock(now: Day(year: 2024, month: 1, day: 10)!.date)
/// try await clock.sleep(until: Day(year: 2024, month: 1, day: 11)!.date)   // returns at once
/// clock.now   // 2024-01-11 00:00 UTC
/// ```
public final class ManualClock: ScheduleClock {
  private let current: Mutex<Date>

  /// A clock showing `now`.
  ///
  /// ```swift
  /// let clock = ManualClock(now: Date(timeIntervalSince1970: 0))
  /// ```
  public init(now: Date) {
    current = Mutex(now)
  }

  /// The time the clock shows.
  ///
  /// ```swift
  /// clock.now   // where the test put it
  /// ```
  public var now: Date { current.withLock { $0 } }

  /// Moves the clock forward to `date` (never back).
  ///
  /// ```swift
  /// clock.advance(to: clock.now.addingTimeInterval(86_400))
  /// ```
  public func advance(to date: Date) {
    current.withLock { $0 = max($0, date) }
  }

  /// Moves the clock to `deadline` if it is not there yet, and returns; throws if the waiting
  /// Swift task is cancelled.
  ///
  /// ```swift
  /// try await clock.sleep(until: clock.now.addingTimeInterval(3600))   // clock.now moved an hour
  /// ```
  public func sleep(until deadline: Date) async throws {
    try Task.checkCancellation()
    advance(to: deadline)
  }
}
