import Foundation

/// Where Luigi's central scheduler (luigid) answers, and how a Plumb worker talks to it: Luigi's
/// `[core]` and `[worker]` settings of the same names.
///
/// ```swift
/// var options = RunOptions()
/// options.scheduler = .central(CentralScheduler(host: "127.0.0.1", port: 8082))
/// let result = try build([TopSongs(tld: "rs")], options: options)
/// ```
///
/// Each task of the run is registered with luigid (family, Luigi's task id, parameters, edges,
/// priority, done or pending), so luigid's visualiser (`http://localhost:8082`) shows the graph,
/// and luigid hands each pending task to one worker only: other Plumb processes and Python Luigi
/// workers naming the same tasks share the work instead of repeating it.
public struct CentralScheduler: Sendable, Equatable {
  /// luigid's address, `http://localhost:8082` by default; the API is under `/api/`.
  ///
  /// ```swift
  /// scheduler.url = URL(string: "http://scheduler.internal:8082")!
  /// ```
  public var url: URL
  /// How many times a call to luigid is tried before the run gives up on it (`[core]
  /// rpc-retry-attempts`); 3 by default, as Luigi's.
  ///
  /// ```swift
  /// scheduler.retryAttempts = 1   // give up at the first failure
  /// ```
  public var retryAttempts: Int = 3
  /// Seconds between those tries (`[core] rpc-retry-wait`); 30 by default, as Luigi's.
  ///
  /// ```swift
  /// scheduler.retryWait = 5
  /// ```
  public var retryWait: TimeInterval = 30
  /// Seconds one call may take, answer included (`[core] rpc-connect-timeout`); 10 by default. A
  /// luigid that answers slowly or endlessly is given up at this deadline, as if it did not answer.
  ///
  /// ```swift
  /// scheduler.timeout = 2
  /// ```
  public var timeout: TimeInterval = 10
  /// Whether the run waits while luigid has pending tasks this worker registered, for other workers
  /// to run or produce what they need, external data included (`--worker-keep-alive`, `[worker]
  /// keep_alive`), as Luigi's worker does; `false` by default: the run ends when luigid has nothing
  /// for it, and tasks held elsewhere are reported as "being run by another worker".
  ///
  /// Unlike Luigi's worker, it does not wait for tasks that failed here (and those that need them):
  /// Plumb has retried them already (``RunOptions/defaultRetryPolicy``). Except external data checked
  /// here and still missing (``RunOptions/retriesExternalTasks``): luigid hands the check out again
  /// after its `retry_delay`, and the run waits for that, as Luigi's worker does.
  ///
  /// ```swift
  /// scheduler.keepsAlive = true   // as --worker-keep-alive
  /// ```
  public var keepsAlive = false
  /// With ``keepsAlive``, wait only while a pending task was registered by this worker alone
  /// (luigid's `n_unique_pending`; `--worker-count-uniques`, `[worker] count_uniques`); `false`
  /// by default. ``countsLastScheduled`` comes first when both are set, as in Luigi.
  ///
  /// ```swift
  /// scheduler.countsUniques = true   // leave shared tasks to the other workers
  /// ```
  public var countsUniques = false
  /// With ``keepsAlive``, wait only while a pending task was last registered by this worker
  /// (luigid's `n_pending_last_scheduled`; `--worker-count-last-scheduled`, `[worker]
  /// count_last_scheduled`); `false` by default.
  ///
  /// ```swift
  /// scheduler.countsLastScheduled = true
  /// ```
  public var countsLastScheduled = false
  /// With ``keepsAlive`` (and neither count setting), seconds the worker waits with nothing to run
  /// before it ends although tasks are still pending (`--worker-max-keep-alive-idle-duration`,
  /// `[worker] max_keep_alive_idle_duration`, which takes Luigi's forms: `90`, `1 m 30 s`,
  /// `PT1M30S`); 0, the default, waits as long as tasks are pending. The clock restarts each time a
  /// task ends here.
  ///
  /// ```swift
  /// scheduler.maximumKeepAliveIdleDuration = 600   // give up after ten idle minutes
  /// ```
  public var maximumKeepAliveIdleDuration: TimeInterval = 0
  /// Seconds between asking luigid for work while there is none for this worker (`[worker]
  /// wait_interval`); 1 by default.
  ///
  /// ```swift
  /// scheduler.waitInterval = 0.2   // as --worker-wait-interval 0.2
  /// ```
  public var waitInterval: TimeInterval = 1
  /// At most this many seconds, drawn at random each time, are added to ``waitInterval`` (`[worker]
  /// wait_jitter`), so that many workers started together do not ask luigid at the same moments.
  /// 0 by default, where Luigi's is 5: a workshop's few workers gain nothing from it and would
  /// wait up to 5 s longer for each other's tasks.
  ///
  /// ```swift
  /// scheduler.waitJitter = 5   // as Luigi's default, --worker-wait-jitter 5
  /// ```
  public var waitJitter: TimeInterval = 0

  /// The time to wait before asking luigid again: ``waitInterval`` and a random part of
  /// ``waitJitter``, never below 10 ms.
  package var nextWait: TimeInterval {
    max(waitInterval, 0.01) + (waitJitter > 0 ? Double.random(in: 0...waitJitter) : 0)
  }
  /// Seconds luigid ignores a claim that a task is pending once it has marked it DONE: its
  /// `[scheduler] stable_done_cooldown_secs`, read from the same key in the config file (10 by
  /// default, as luigid's). A run started again within them, after its outputs were deleted or
  /// with ``RunOptions/forcing``, claims such tasks again once they have passed, then every half of
  /// them while luigid still ignores the claims, and gives up after six times as long.
  ///
  /// ```swift
  /// scheduler.stableDoneCooldown = 30   // luigid.cfg has stable_done_cooldown_secs = 30
  /// ```
  public var stableDoneCooldown: TimeInterval = 10
  /// Seconds between the pings that tell luigid this worker is alive (`[worker] ping_interval`); 1
  /// by default. luigid gives up on a worker it has not heard from in `worker_disconnect_delay` (60 s).
  ///
  /// ```swift
  /// scheduler.pingInterval = 5
  /// ```
  public var pingInterval: TimeInterval = 1

  /// The scheduler at `url`, with Luigi's default settings.
  ///
  /// ```swift
  /// let scheduler = CentralScheduler(url: URL(string: "http://scheduler.internal:8082")!)
  /// ```
  public init(url: URL) {
    self.url = url
  }

  /// The scheduler at `http://host:port`, as `--scheduler-host` and `--scheduler-port` name it (an
  /// IPv6 address such as `::1` is bracketed).
  ///
  /// ```swift
  /// let scheduler = CentralScheduler(host: "127.0.0.1", port: 8082)
  /// ```
  public init(host: String = "localhost", port: Int = 8082) {
    // The command line and the config file refuse a host that makes no URL (spaces, say), so only
    // code can get here with one; it gets the unreachable error of an address that cannot answer.
    url = Self.url(host: host, port: port) ?? URL(string: "http://invalid-host.invalid:\(port)")!
  }

  /// `http://host:port`, with an IPv6 address in brackets; `nil` when that makes no URL with a host.
  package static func url(host: String, port: Int) -> URL? {
    let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    guard let url = URL(string: "http://\(bracketed):\(port)"), url.host?.isEmpty == false else { return nil }
    return url
  }

  /// How messages name the scheduler: its URL without a trailing slash.
  package var address: String {
    var text = url.absoluteString
    while text.hasSuffix("/") { text.removeLast() }
    return text
  }
}

/// Which scheduler a run uses: this process's own, or Luigi's central scheduler.
///
/// ```swift
/// options.scheduler = .local                                    // as --local-scheduler
/// options.scheduler = .central(CentralScheduler(port: 8082))    // as --scheduler-port 8082
/// ```
///
/// Local is the default, unless the config file names a central scheduler (`[core]
/// default-scheduler-url`, `default-scheduler-host` or `default-scheduler-port`).
public enum SchedulerChoice: Sendable, Equatable {
  /// Tasks are handed out in this process; nothing outside it is told (Luigi's `--local-scheduler`).
  ///
  /// ```swift
  /// options.scheduler = .local
  /// ```
  case local
  /// Tasks are registered with luigid, which hands them out to this and other workers.
  ///
  /// ```swift
  /// options.scheduler = .central(CentralScheduler(host: "127.0.0.1", port: 8082))
  /// ```
  case central(CentralScheduler)
}
