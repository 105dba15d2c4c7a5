import Foundation

/// How often a failed task is tried again, and how long the run waits before each try: Luigi's
/// `retry_count`, Airflow's `retries`, `retry_delay` and exponential backoff.
///
/// A task declares its own policy with ``PipelineTask/retryPolicy``; a task that declares none
/// gets the run's (``RunOptions/retries`` and ``RunOptions/retryDelay``, `--retries` on the
/// command line).
///
/// ```swift
/// struct FetchRates: PipelineTask {
///     // Up to 4 more tries, 1 s, 2 s, 4 s then 8 s apart, never more than 30 s.
///     var retryPolicy: RetryPolicy? { .exponential(retries: 4, delay: 1, maximumDelay: 30) }
///     ...
/// }
/// ```
///
/// The waits are measured on the run's ``RunOptions/clock``, so a test can give the run a
/// ``ManualClock`` and check the delays without sleeping.
public struct RetryPolicy: Sendable, Equatable {
  /// How many times a failed run is tried again; 0 tries once.
  ///
  /// ```swift
  /// RetryPolicy(retries: 2).retries   // 2: three tries in all
  /// ```
  public var retries: Int
  /// Seconds to wait before the first retry.
  ///
  /// ```swift
  /// RetryPolicy(retries: 2, delay: 30).delay   // 30
  /// ```
  public var delay: TimeInterval
  /// What each wait is multiplied by for the next one: 1 waits ``delay`` each time, 2 doubles it
  /// (Airflow's exponential backoff). Values below 1 count as 1.
  ///
  /// ```swift
  /// RetryPolicy(retries: 3, delay: 1, backoff: 3)   // waits 1 s, 3 s, 9 s
  /// ```
  public var backoff: Double
  /// The longest wait, whatever the backoff makes of it; `nil` for no limit.
  ///
  /// ```swift
  /// RetryPolicy.exponential(retries: 10, delay: 1, maximumDelay: 60)   // never more than a minute
  /// ```
  public var maximumDelay: TimeInterval?

  /// A policy of `retries` more tries, the first after `delay` seconds, each following wait
  /// `backoff` times the one before, capped at `maximumDelay`.
  ///
  /// ```swift
  /// let patient = RetryPolicy(retries: 3, delay: 10)   // 10 s before each of 3 retries
  /// ```
  public init(retries: Int, delay: TimeInterval = 0, backoff: Double = 1, maximumDelay: TimeInterval? = nil) {
    self.retries = max(0, retries)
    self.delay = max(0, delay)
    self.backoff = max(1, backoff)
    self.maximumDelay = maximumDelay
  }

  /// Waits that double from `delay`, capped at `maximumDelay`, as Airflow's
  /// `retry_exponential_backoff` does.
  ///
  /// ```swift
  /// let policy = RetryPolicy.exponential(retries: 3, delay: 2)   // waits 2 s, 4 s, 8 s
  /// ```
  public static func exponential(retries: Int, delay: TimeInterval, maximumDelay: TimeInterval? = nil)
    -> RetryPolicy
  {
    RetryPolicy(retries: retries, delay: delay, backoff: 2, maximumDelay: maximumDelay)
  }

  /// No retries: a failure is final.
  ///
  /// ```swift
  /// var retryPolicy: RetryPolicy? { .never }   // a task whose failure retrying cannot fix
  /// ```
  public static let never = RetryPolicy(retries: 0)

  /// Seconds to wait before `retry` (1 for the first retry, the second try of the task).
  ///
  /// ```swift
  /// RetryPolicy.exponential(retries: 3, delay: 2).delay(beforeRetry: 3)   // 8
  /// ```
  public func delay(beforeRetry retry: Int) -> TimeInterval {
    let grown = max(0, delay) * pow(max(1, backoff), Double(max(0, retry - 1)))
    guard let maximumDelay else { return grown }
    return min(grown, maximumDelay)
  }
}
