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
/// gets SIGINT, SIGTERM or SIGHUP, and a phase-out (``phaseOut(reason:)``) on SIGUSR1.
public final class RunStop: Sendable {
  private struct State {
    var reason: String?
    var phaseOutReason: String?
    var observers: [Int: Observer] = [:]
    var nextObserver = 0
  }

  /// What a run does when a stop or a phase-out is requested.
  private struct Observer {
    let stop: @Sendable (String) -> Void
    let phaseOut: (@Sendable (String) -> Void)?
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

  /// Why the phase-out was requested, or `nil` while it has not been.
  ///
  /// ```swift
  /// if stop.phaseOutReason != nil { print("finishing what runs") }
  /// ```
  public var phaseOutReason: String? { state.withLock { $0.phaseOutReason } }

  /// Stops every run this is given to; the first reason is kept, later requests change nothing.
  ///
  /// ```swift
  /// stop.request(reason: "SIGTERM")
  /// ```
  public func request(reason: String = "stopped") {
    let observers = state.withLock { state -> [Observer] in
      guard state.reason == nil else { return [] }
      state.reason = reason
      defer { state.observers = [:] }
      return Array(state.observers.values)
    }
    for observer in observers { observer.stop(reason) }
  }

  /// Lets every run this is given to finish the tasks it is running, and start no more, as Luigi's
  /// worker does on SIGUSR1 ("phasing out"): no grace period, nothing cancelled. A run then ends as
  /// usual, with its summary; the tasks it did not start are "not granted run permission". The first
  /// reason is kept; a later ``request(reason:)`` still stops the runs at once.
  ///
  /// ```swift
  /// stop.phaseOut(reason: "SIGUSR1")
  /// ```
  public func phaseOut(reason: String = "phasing out") {
    let observers = state.withLock { state -> [@Sendable (String) -> Void] in
      guard state.reason == nil, state.phaseOutReason == nil else { return [] }
      state.phaseOutReason = reason
      return state.observers.values.compactMap(\.phaseOut)
    }
    for observer in observers { observer(reason) }
  }

  /// Calls `observer` once when a stop is requested (at once if it already was), and `phasingOut`
  /// once when a phase-out is (at once if it already was); the token ends the observation.
  package func observe(
    _ observer: @escaping @Sendable (String) -> Void, phasingOut: (@Sendable (String) -> Void)? = nil
  ) -> Int? {
    let (token, requested, phaseOut) = state.withLock { state -> (Int?, String?, String?) in
      guard state.reason == nil else { return (nil, state.reason, nil) }
      state.observers[state.nextObserver] = Observer(stop: observer, phaseOut: phasingOut)
      state.nextObserver += 1
      return (state.nextObserver - 1, nil, state.phaseOutReason)
    }
    if let requested { observer(requested) }
    if let phaseOut { phasingOut?(phaseOut) }
    return token
  }

  package func endObservation(_ token: Int?) {
    guard let token else { return }
    _ = state.withLock { $0.observers.removeValue(forKey: token) }
  }
}
