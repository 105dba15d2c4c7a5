/// Why a task could not be scheduled: its `complete()` or `requires()` threw, or a required task
/// could not be given its parameters. The task counts as a scheduling error, as in Luigi.
public struct SchedulingFailure: Error, CustomStringConvertible, Sendable {
  /// The reason, in one line: `requires() failed: the catalogue is unreadable`.
  public let description: String
  /// What was thrown, when the failure comes from an error.
  public let underlying: (any Error)?

  init(_ description: String, underlying: (any Error)? = nil) {
    self.description = description
    self.underlying = underlying
  }
}
