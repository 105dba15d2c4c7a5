import Foundation
import PlumbCore

/// What the command line says about the scheduler (`--local-scheduler`, `--scheduler-host`,
/// `--scheduler-port`, `--scheduler-url`, `--worker-keep-alive`, `--worker-wait-interval`, `--worker-wait-jitter`,
/// `--worker-count-uniques`, `--worker-count-last-scheduled`, `--worker-max-keep-alive-idle-duration`),
/// to be completed from the config file.
package struct SchedulerRequest: Sendable, Equatable {
  package var forcesLocal = false
  package var url: URL?
  package var host: String?
  package var port: Int?
  package var keepsAlive = false
  package var waitInterval: TimeInterval?
  package var waitJitter: TimeInterval?
  package var countsUniques = false
  package var countsLastScheduled = false
  package var maximumKeepAliveIdleDuration: TimeInterval?

  /// The scheduler a run uses, Luigi's way, first found wins: `--local-scheduler`; `--scheduler-url`;
  /// `--scheduler-host`/`--scheduler-port` (each defaulting to the config's, then to `localhost` and
  /// 8082); `[core] default-scheduler-url`; `[core] default-scheduler-host`/`-port`. Unlike Luigi's,
  /// the run is local when none of these names a central scheduler.
  ///
  /// A central scheduler's other settings come from `[core] rpc-retry-attempts`, `rpc-retry-wait`,
  /// `rpc-connect-timeout` and `[worker] keep_alive`, `wait_interval`, `wait_jitter`, `count_uniques`,
  /// `count_last_scheduled`, `max_keep_alive_idle_duration`, `ping_interval`, below the flags; as in
  /// Luigi, `[core] worker-keep-alive`, `worker-wait-interval` and `worker-count-uniques` stand in for
  /// the `[worker]` keys when those are absent.
  ///
  /// - Throws: ``ConfigurationError`` for a malformed setting.
  func choice(configuration: Configuration) throws -> SchedulerChoice {
    if forcesLocal { return .local }
    let configuredURL = configuration.value(section: "core", key: "default-scheduler-url")
    let configuredHost = configuration.value(section: "core", key: "default-scheduler-host")
    let configuredPort = try configuration.count(
      section: "core", key: "default-scheduler-port", minimum: 1, maximum: 65535)
    var scheduler: CentralScheduler
    if let url {
      scheduler = CentralScheduler(url: url)
    } else if host != nil || port != nil {
      scheduler = CentralScheduler(host: host ?? configuredHost ?? "localhost", port: port ?? configuredPort ?? 8082)
    } else if let configuredURL {
      guard let url = Self.url(configuredURL) else {
        throw configuration.problem(
          "[core] default-scheduler-url must be an http:// or https:// URL, not '\(configuredURL)'")
      }
      scheduler = CentralScheduler(url: url)
    } else if let configuredHost, CentralScheduler.url(host: configuredHost, port: 8082) == nil {
      throw configuration.problem(
        "[core] default-scheduler-host must be a host name or address, not '\(configuredHost)'")
    } else if configuredHost != nil || configuredPort != nil {
      scheduler = CentralScheduler(host: configuredHost ?? "localhost", port: configuredPort ?? 8082)
    } else {
      return .local
    }
    if let attempts = try configuration.count(section: "core", key: "rpc-retry-attempts", minimum: 1) {
      scheduler.retryAttempts = attempts
    }
    if let wait = try configuration.seconds(section: "core", key: "rpc-retry-wait") { scheduler.retryWait = wait }
    if let timeout = try configuration.seconds(section: "core", key: "rpc-connect-timeout"), timeout > 0 {
      scheduler.timeout = timeout
    }
    scheduler.keepsAlive =
      try keepsAlive
      || configuration.boolean(section: "worker", key: "keep_alive")
        ?? configuration.boolean(section: "core", key: "worker-keep-alive") ?? false
    if let wait = try waitInterval ?? configuration.seconds(section: "worker", key: "wait_interval")
      ?? configuration.seconds(section: "core", key: "worker-wait-interval")
    {
      scheduler.waitInterval = wait
    }
    if let jitter = try waitJitter ?? configuration.seconds(section: "worker", key: "wait_jitter") {
      scheduler.waitJitter = jitter
    }
    scheduler.countsUniques =
      try countsUniques
      || configuration.boolean(section: "worker", key: "count_uniques")
        ?? configuration.boolean(section: "core", key: "worker-count-uniques") ?? false
    scheduler.countsLastScheduled =
      try countsLastScheduled || configuration.boolean(section: "worker", key: "count_last_scheduled") ?? false
    if let idle = try maximumKeepAliveIdleDuration
      ?? configuration.timeDelta(
        section: "worker", key: "max_keep_alive_idle_duration")
    {
      scheduler.maximumKeepAliveIdleDuration = idle
    }
    if let cooldown = try configuration.seconds(section: "scheduler", key: "stable_done_cooldown_secs") {
      scheduler.stableDoneCooldown = cooldown
    }
    if let interval = try configuration.seconds(section: "worker", key: "ping_interval"), interval > 0 {
      scheduler.pingInterval = interval
    }
    return .central(scheduler)
  }

  /// `text` as a scheduler's URL: http or https, with a host.
  package static func url(_ text: String) -> URL? {
    guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
      url.host?.isEmpty == false
    else { return nil }
    return url
  }

  package init(
    url: URL? = nil, host: String? = nil, port: Int? = nil, waitInterval: TimeInterval? = nil,
    waitJitter: TimeInterval? = nil, maximumKeepAliveIdleDuration: TimeInterval? = nil
  ) {
    self.url = url
    self.host = host
    self.port = port
    self.waitInterval = waitInterval
    self.waitJitter = waitJitter
    self.maximumKeepAliveIdleDuration = maximumKeepAliveIdleDuration
  }
}

extension Configuration {
  /// A duration setting in Luigi's forms (``TimeDelta/seconds(in:)``), not below zero; `nil` when absent.
  fileprivate func timeDelta(section: String, key: String) throws -> TimeInterval? {
    guard let text = value(section: section, key: key) else { return nil }
    guard let seconds = TimeDelta.seconds(in: text), seconds >= 0 else {
      throw problem("[\(section)] \(key) must be a duration such as 90, 1 m 30 s or PT1M30S, not '\(text)'")
    }
    return seconds
  }
}
