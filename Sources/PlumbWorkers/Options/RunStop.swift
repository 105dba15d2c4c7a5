import Synchronization

/// Stops a run early, from outside it: no task is handed out any more, asynchronous tasks that are
/// running are cancelled, and the run waits up to ``RunOptions/stopGracePeriod`` for running tasks
/// to end before ``build(_:options:)-6p88s`` returns.
///
/// ```swift
/// let stop = RunStop()
/// var options = RunOptions()
/// options.stop = stop
/// DispatchQueue.global().asyncAfter(deadline: .now() + 60) { stop.request(reason: "took too long") }
/// let result = try build([TopSongs(tld: "rs")], options: options)
/// // result.stopReason == "took too long" if the minute ran out
/// ```
///
/// Cancelling the Swift task that awaits the `async` ``build(_:options:)-6p88s`` stops the run the
/// same way, with the reason `cancelled`. A request is kept: a run given a stop that was already
/// requested hands out no task at all. ``PipelineCommand/main()`` requests a stop when the process
/// gets SIGINT, SIGTERM or SIGHUP.
public final class RunStop: Sendable {
  private struct State {
    var reason: String?
    var observers: [Int: @Sendable (String) -> Void] = [:]
    var nextObserver = 0
  }

  private let state = Mutex(State())

  /// A stop that has not been requested; share it with the runs it may stop.
  ///
  /// ```swift
  /// let stop = RunStop()
  /// options.stop = stop
  /// ```
  public init() {}

  /// Why the stop was requested, or `nil` while it has not been.
  ///
  /// ```swift
  /// if stop.reason == nil { stop.request(reason: "shutting down") }
  /// ```
  public var reason: String? { state.withLock { $0.reason } }

  /// Stops every run this is given to; the first reason is kept, later requests change nothing.
  ///
  /// ```swift
  /// stop.request(reason: "SIGTERM")
  /// ```
  public func request(reason: String = "stopped") {
    let observers = state.withLock { state -> [@Sendable (String) -> Void] in
      guard state.reason == nil else { return [] }
      state.reason = reason
      defer { state.observers = [:] }
      return Array(state.observers.values)
    }
    for observer in observers { observer(reason) }
  }

  /// Calls `observer` once when a stop is requested (at once if it already was); the token ends
  /// the observation.
  package func observe(_ observer: @escaping @Sendable (String) -> Void) -> Int? {
    let (token, requested) = state.withLock { state -> (Int?, String?) in
      guard state.reason == nil else { return (nil, state.reason) }
      state.observers[state.nextObserver] = observer
      state.nextObserver += 1
      return (state.nextObserver - 1, nil)
    }
    if let requested { observer(requested) }
    return token
  }

  package func endObservation(_ token: Int?) {
    guard let token else { return }
    _ = state.withLock { $0.observers.removeValue(forKey: token) }
  }
}
