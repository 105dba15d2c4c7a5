/// Luigi's central scheduler could not be used.
///
/// ```
/// plumb: error: cannot reach the central scheduler at http://localhost:8082 (connection refused by localhost:8082): start it with `make luigid`, or pass --local-scheduler to run without it
/// ```
public enum CentralSchedulerError: Error, CustomStringConvertible, Equatable {
  /// luigid did not answer when the run started (or while the graph was being registered);
  /// nothing was run. `reason` says what happened: `connection refused by localhost:8082`.
  ///
  /// ```swift
  /// do { _ = try build([TopSongs(tld: "rs")], options: options) } catch CentralSchedulerError.unreachable(let url, _) {
  ///   print("start luigid at \(url), or use options.scheduler = .local")
  /// }
  /// ```
  case unreachable(url: String, reason: String)
  /// luigid answered something that is not its JSON API (another server on its port, say).
  ///
  /// ```
  /// the central scheduler at http://localhost:8082 answered add_worker with something that is not luigid's JSON API
  /// ```
  case invalidAnswer(url: String, method: String)
  /// An assistant (``RunOptions/isAssistant``) was asked for without a central scheduler: it runs
  /// what luigid hands out, and there is no luigid to ask.
  ///
  /// ```
  /// an assistant runs the tasks a central scheduler hands out: name one with --scheduler-host, --scheduler-port or --scheduler-url ([core] default-scheduler-url)
  /// ```
  case assistantWithoutCentralScheduler

  /// The message, in one line, saying what to do.
  ///
  /// ```swift
  /// print("plumb: error: \(error)")
  /// ```
  public var description: String {
    switch self {
    case .unreachable(let url, let reason):
      return
        "cannot reach the central scheduler at \(url) (\(reason)): start it with `make luigid`, or pass --local-scheduler to run without it"
    case .invalidAnswer(let url, let method):
      return "the central scheduler at \(url) answered \(method) with something that is not luigid's JSON API"
    case .assistantWithoutCentralScheduler:
      return
        "an assistant runs the tasks a central scheduler hands out: name one with --scheduler-host, --scheduler-port or --scheduler-url ([core] default-scheduler-url)"
    }
  }
}
